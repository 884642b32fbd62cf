package dev.courier.transport.rabbitmq;

import dev.courier.CourierException;

/** An exchange or queue is missing (validate mode) or exists with other arguments than Courier declares. */
public class TopologyException extends CourierException {
    public TopologyException(String message, Throwable cause) {
        super(message, cause);
    }
}
