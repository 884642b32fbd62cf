package dev.courier.transport.rabbitmq;

import dev.courier.MessageRefusedException;
import java.time.Duration;
import java.util.UUID;

/**
 * A message's delay is longer than the RabbitMQ delay levels can hold ({@link RabbitMqTransport#MAX_DELAY}, 2^32 - 1
 * ms, about 49.7 days); it was not sent. An outbox parks such a message rather than retrying it for ever.
 */
public class DelayTooLongException extends MessageRefusedException {
    private final UUID messageId;

    public DelayTooLongException(String topic, UUID messageId, Duration delay) {
        super("Message " + messageId + " on topic '" + topic + "' has a delay of " + delay + ", over the longest "
                + "delay RabbitMQ's delay levels hold (" + RabbitMqTransport.MAX_DELAY + "); not sent");
        this.messageId = messageId;
    }

    public UUID messageId() { return messageId; }
}
