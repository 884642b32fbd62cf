package dev.courier.message;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything about a message except its body. Immutable; change it with {@link #toBuilder()}.
 *
 * @param messageId     unique per message; for a posted request it is the request's id
 * @param topic         where the broker routes it
 * @param messageType   what it means to the receiver
 * @param timestamp     when it was created
 * @param correlationId ties a reply to its request; nullable
 * @param replyTo       the address a reply goes to; nullable
 * @param partitionKey  keeps related messages in order on brokers that partition; nullable
 * @param handledCount  how many times a consumer has already tried to handle it (set by the transport)
 * @param delay         how long the broker should hold it before delivery; {@link Duration#ZERO} for none
 * @param bag           further string headers
 */
public record MessageHeader(
        UUID messageId,
        String topic,
        MessageType messageType,
        Instant timestamp,
        UUID correlationId,
        String replyTo,
        String partitionKey,
        int handledCount,
        Duration delay,
        Map<String, String> bag) {
    /**
     * The bag entry in which a transport says why it marked a message {@link MessageType#UNACCEPTABLE} (a missing id,
     * a broken header). Only the transport writes it: a value that arrives from a publisher is dropped on receipt,
     * so a sender can neither forge nor hide the reason a message is dead-lettered with.
     */
    public static final String UNACCEPTABLE_REASON = "courier-unacceptable-reason";


    public MessageHeader {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(messageType, "messageType");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(delay, "delay");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank (message " + messageId + ")");
        }
        if (handledCount < 0) {
            throw new IllegalArgumentException("handledCount must be >= 0 but was " + handledCount);
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative but was " + delay);
        }
        bag = bag == null ? Map.of() : Map.copyOf(bag);
    }

    public static Builder builder(UUID messageId, String topic, MessageType messageType) {
        return new Builder(messageId, topic, messageType);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy with the handled count raised by one. */
    public MessageHeader withHandledCount(int count) {
        return new MessageHeader(messageId, topic, messageType, timestamp, correlationId, replyTo, partitionKey,
                count, delay, bag);
    }

    public MessageHeader withDelay(Duration newDelay) {
        return new MessageHeader(messageId, topic, messageType, timestamp, correlationId, replyTo, partitionKey,
                handledCount, newDelay, bag);
    }

    /** Builds a {@link MessageHeader}; unset fields default to now, no delay, count 0, empty bag. */
    public static final class Builder {
        private UUID messageId;
        private String topic;
        private MessageType messageType;
        private Instant timestamp;
        private UUID correlationId;
        private String replyTo;
        private String partitionKey;
        private int handledCount;
        private Duration delay = Duration.ZERO;
        private Map<String, String> bag = Map.of();

        private Builder(UUID messageId, String topic, MessageType messageType) {
            this.messageId = messageId;
            this.topic = topic;
            this.messageType = messageType;
        }

        private Builder(MessageHeader h) {
            this(h.messageId, h.topic, h.messageType);
            timestamp = h.timestamp;
            correlationId = h.correlationId;
            replyTo = h.replyTo;
            partitionKey = h.partitionKey;
            handledCount = h.handledCount;
            delay = h.delay;
            bag = h.bag;
        }

        public Builder messageId(UUID value) { messageId = value; return this; }
        public Builder topic(String value) { topic = value; return this; }
        public Builder messageType(MessageType value) { messageType = value; return this; }
        public Builder timestamp(Instant value) { timestamp = Objects.requireNonNull(value, "timestamp"); return this; }
        public Builder correlationId(UUID value) { correlationId = value; return this; }
        public Builder replyTo(String value) { replyTo = value; return this; }
        public Builder partitionKey(String value) { partitionKey = value; return this; }
        public Builder handledCount(int value) { handledCount = value; return this; }
        public Builder delay(Duration value) { delay = value; return this; }
        public Builder bag(Map<String, String> value) { bag = value; return this; }

        public MessageHeader build() {
            return new MessageHeader(messageId, topic, messageType, timestamp == null ? Instant.now() : timestamp,
                    correlationId, replyTo, partitionKey,
                    handledCount, delay, bag);
        }
    }
}
