package dev.courier.transport.rabbitmq;

import dev.courier.MessageRefusedException;
import java.util.UUID;

/** A message body is larger than the configured {@link RabbitMqConfig#maxBodySize()}; it was not sent. */
public class MessageTooLargeException extends MessageRefusedException {
    private final UUID messageId;
    private final String topic;

    public MessageTooLargeException(String topic, UUID messageId, int size, int limit) {
        super("Message " + messageId + " on topic '" + topic + "' has a body of " + size
                + " bytes, over the limit of " + limit + " bytes (RabbitMqConfig.maxBodySize); not sent");
        this.messageId = messageId;
        this.topic = topic;
    }

    public UUID messageId() { return messageId; }
    public String topic() { return topic; }
}
