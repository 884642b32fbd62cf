package dev.courier.mapping;

import dev.courier.CourierException;
import java.util.UUID;

/**
 * A message could not be turned into a request, or a request into a message. Names the topic, the message id and
 * the reason. A message pump dead-letters such a message on its first delivery.
 */
public class MessageMappingException extends CourierException {
    private final String topic;
    private final UUID messageId;

    public MessageMappingException(String topic, UUID messageId, String reason, Throwable cause) {
        super("Cannot map message " + messageId + " on topic '" + topic + "': " + reason, cause);
        this.topic = topic;
        this.messageId = messageId;
    }

    public MessageMappingException(String topic, UUID messageId, String reason) {
        this(topic, messageId, reason, null);
    }

    public String topic() {
        return topic;
    }

    public UUID messageId() {
        return messageId;
    }
}
