package dev.courier.transport.rabbitmq;

import dev.courier.MessageRefusedException;
import java.util.UUID;

/**
 * The broker returned a message as unroutable ({@code mandatory} publish): no channel is bound to its topic. The
 * message was not delivered anywhere, so an outbox keeps it outstanding.
 */
public class UnroutableMessageException extends MessageRefusedException {
    private final UUID messageId;
    private final String topic;

    public UnroutableMessageException(String topic, UUID messageId, String exchange, String replyText) {
        super("Message " + messageId + " on topic '" + topic + "' could not be routed by exchange '" + exchange
                + "' (" + replyText + "): no queue is bound to this topic");
        this.messageId = messageId;
        this.topic = topic;
    }

    public UUID messageId() { return messageId; }
    public String topic() { return topic; }
}
