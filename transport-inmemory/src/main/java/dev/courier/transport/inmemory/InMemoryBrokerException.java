package dev.courier.transport.inmemory;

import dev.courier.CourierException;

/**
 * The in-memory broker was used wrongly (a message settled twice or on the wrong consumer, an unknown channel, a
 * channel bound to two topics) or a test-support wait timed out. The message names the channel and message id.
 */
public class InMemoryBrokerException extends CourierException {
    public InMemoryBrokerException(String message) {
        super(message);
    }
}
