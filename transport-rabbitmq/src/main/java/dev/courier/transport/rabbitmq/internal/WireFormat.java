package dev.courier.transport.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.IsoInstant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Courier's message on AMQP 0-9-1, both ways. The format is written down in docs/transport-rabbitmq.md. Reading
 * never throws: a message with a missing or broken field comes back as {@link MessageType#UNACCEPTABLE} with the
 * reason in {@link #UNACCEPTABLE_REASON}, so the caller can dead-letter it.
 */
public final class WireFormat {
    public static final String TOPIC = "courier-topic";
    public static final String TIMESTAMP = "courier-timestamp";
    public static final String PARTITION_KEY = "courier-partition-key";
    public static final String DELAY = "courier-delay-ms";
    public static final String HANDLED_COUNT = "courier-handled-count";
    /** Deliveries of a message on a classic queue that ended without settlement (see RabbitMqConfig.deliveryLimit). */
    public static final String DELIVERIES = "courier-deliveries";
    /** The broker's count of earlier deliveries of a quorum queue's message. */
    public static final String X_DELIVERY_COUNT = "x-delivery-count";
    public static final String UNACCEPTABLE_REASON = MessageHeader.UNACCEPTABLE_REASON;
    public static final String ORIGINAL_MESSAGE_ID = "courier-original-message-id";
    public static final String X_DEATH = "x-death";
    /** On a delayed post: the topic whose channels get it when its wait ends (the delay exit routes by it). */
    public static final String DELAY_TARGET = "courier-delay-target";
    /** On a requeued or recounted copy: the one work queue it goes back to (the delay exit routes by it). */
    public static final String RETRY_QUEUE = "courier-retry-queue";

    /**
     * Headers that carry header fields, or that only this side writes: a bag entry with one of these names (or x-*)
     * is not sent, and one that arrives is not taken into the bag.
     */
    private static final Set<String> RESERVED = Set.of(TOPIC, TIMESTAMP, PARTITION_KEY, DELAY, HANDLED_COUNT,
            DELIVERIES, UNACCEPTABLE_REASON, DELAY_TARGET, RETRY_QUEUE);
    private static final int PERSISTENT = 2;
    private static final int TRANSIENT = 1;
    private static final int MAX_ECHO = 200;

    private WireFormat() {}

    /** The properties a producer publishes. The handled count is never written here: only the consumer does. */
    public static AMQP.BasicProperties toProperties(Message message) {
        MessageHeader h = message.header();
        Map<String, Object> headers = new LinkedHashMap<>();
        h.bag().forEach((name, value) -> {
            if (!RESERVED.contains(name) && !name.regionMatches(true, 0, "x-", 0, 2)) {
                headers.put(name, value);
            }
        });
        if (!h.delay().isZero()) {
            // Only a delayed post needs the topic in a header: it is published to the delay levels with the delay's
            // bits as routing key. Everything else goes out with the topic as its routing key, which is where a
            // reader looks when the header is absent; each property costs the broker CPU on every message.
            headers.put(TOPIC, h.topic());
        }
        headers.put(TIMESTAMP, IsoInstant.format(h.timestamp()));
        if (h.partitionKey() != null) {
            headers.put(PARTITION_KEY, h.partitionKey());
        }
        if (!h.delay().isZero()) {
            headers.put(DELAY, h.delay().toMillis());
        }
        return new AMQP.BasicProperties.Builder()
                .messageId(h.messageId().toString())
                .correlationId(h.correlationId() == null ? null : h.correlationId().toString())
                .replyTo(h.replyTo())
                .contentType(message.body().contentType())
                .timestamp(Date.from(h.timestamp()))
                .type(h.messageType().name())
                .deliveryMode(transientReply(h) ? TRANSIENT : PERSISTENT)
                .headers(headers)
                .build();
    }

    /**
     * A reply to a {@code call} is transient: its caller gives up after a timeout anyway, so it need not be written
     * to disk. A reply for a recipient ({@code postFor}) may be awaited much longer and stays persistent.
     */
    private static boolean transientReply(MessageHeader h) {
        return h.messageType() == MessageType.REPLY && !h.bag().containsKey(MessageMappers.RECIPIENT_HEADER);
    }

    /** Copies properties with other headers: for requeue and dead-letter copies of a received message. */
    public static AMQP.BasicProperties withHeaders(AMQP.BasicProperties p, Map<String, Object> headers) {
        return p.builder().headers(headers).deliveryMode(PERSISTENT).build();
    }

    /**
     * A received message. {@code fallbackTopic} is used when neither the header nor the routing key names the topic
     * (a Courier producer writes the header only on a delayed post: elsewhere the routing key is the topic).
     */
    public static Message toMessage(AMQP.BasicProperties p, byte[] body, String routingKey, String fallbackTopic,
            int handledCount) {
        return toMessage(p, body, routingKey, fallbackTopic, handledCount, Integer.MAX_VALUE);
    }

    /**
     * A received message; a body longer than {@code maxBodySize} makes it unacceptable (the consumer rejects such a
     * delivery before it gets here; a listener or a test may still pass one).
     */
    public static Message toMessage(AMQP.BasicProperties p, byte[] body, String routingKey, String fallbackTopic,
            int handledCount, int maxBodySize) {
        List<String> problems = new ArrayList<>();
        if (body.length > maxBodySize) {
            problems.add("body of " + body.length + " bytes is over the limit of " + maxBodySize
                    + " bytes (RabbitMqConfig.maxBodySize)");
        }
        Map<String, Object> headers = p.getHeaders() == null ? Map.of() : p.getHeaders();
        Map<String, String> bag = new HashMap<>();
        headers.forEach((name, value) -> {
            if (!RESERVED.contains(name) && !name.regionMatches(true, 0, "x-", 0, 2) && value != null) {
                bag.put(name, text(value));
            }
        });
        UUID id = uuid(p.getMessageId());
        if (id == null) {
            problems.add(p.getMessageId() == null ? "message_id is missing"
                    : "message_id '" + echo(p.getMessageId()) + "' is not a UUID");
            bag.put(ORIGINAL_MESSAGE_ID, p.getMessageId() == null ? "" : echo(p.getMessageId()));
            id = UUID.randomUUID();
        }
        String topic = firstText(text(headers.get(TOPIC)), routingKey, fallbackTopic);
        if (topic == null) {
            throw new IllegalStateException("no topic");
        }
        MessageType type = MessageType.COMMAND;
        if (p.getType() != null) {
            try {
                type = MessageType.valueOf(p.getType().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("type '" + echo(p.getType()) + "' is not one of " + List.of(MessageType.values()));
            }
        }
        Instant timestamp = timestamp(headers.get(TIMESTAMP), p.getTimestamp(), problems);
        UUID correlation = null;
        if (p.getCorrelationId() != null) {
            correlation = uuid(p.getCorrelationId());
            if (correlation == null) {
                problems.add("correlation_id '" + echo(p.getCorrelationId()) + "' is not a UUID");
            }
        }
        Duration delay = Duration.ZERO;
        Object rawDelay = headers.get(DELAY);
        if (rawDelay != null) {
            long millis = number(rawDelay);
            if (millis < 0) {
                problems.add(DELAY + " '" + echo(text(rawDelay)) + "' is not a non-negative number");
            } else {
                delay = Duration.ofMillis(millis);
            }
        }
        if (!problems.isEmpty()) {
            type = MessageType.UNACCEPTABLE;
            bag.put(UNACCEPTABLE_REASON, String.join("; ", problems));
        }
        MessageHeader header = new MessageHeader(id, topic, type, timestamp, correlation, p.getReplyTo(),
                text(headers.get(PARTITION_KEY)), handledCount, delay, bag);
        String contentType = p.getContentType() == null || p.getContentType().isBlank()
                ? "application/octet-stream" : p.getContentType();
        return new Message(header, MessageBody.wrap(body, contentType));
    }

    /**
     * The handled count of a received message: Courier's {@link #HANDLED_COUNT} header, trusted only on a delivery
     * that came out of the delay levels ({@code delayed}) addressed by {@link #RETRY_QUEUE} to this very
     * {@code queue}, the only path on which a Courier consumer writes that header (a requeue, or a delivery recount
     * published to the exit). Anything else counts as a first delivery.
     */
    public static int handledCount(boolean delayed, Map<String, Object> headers, String queue) {
        if (!delayed || headers == null || !queue.equals(text(headers.get(RETRY_QUEUE)))) {
            return 0;
        }
        return count(headers, HANDLED_COUNT);
    }

    /** A non-negative count from a header ({@link #DELIVERIES}, {@link #X_DELIVERY_COUNT}); 0 when absent or bad. */
    public static int count(Map<String, Object> headers, String name) {
        long count = headers == null ? -1 : number(headers.get(name));
        return count < 0 || count > Integer.MAX_VALUE ? 0 : (int) count;
    }

    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof LongString || value instanceof String) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        return String.valueOf(value);
    }

    /** A non-negative whole number, or -1 when the value is not one. */
    static long number(Object value) {
        if (value instanceof Number n && !(value instanceof Double) && !(value instanceof Float)) {
            return n.longValue() < 0 ? -1 : n.longValue();
        }
        String text = text(value);
        if (text == null) {
            return -1;
        }
        try {
            long parsed = Long.parseLong(text.trim());
            return parsed < 0 ? -1 : parsed;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Instant timestamp(Object header, Date amqp, List<String> problems) {
        String text = text(header);
        if (text != null) {
            try {
                return IsoInstant.parse(text);
            } catch (RuntimeException e) {
                problems.add(TIMESTAMP + " '" + echo(text) + "' is not an ISO-8601 instant");
            }
        }
        return amqp != null ? amqp.toInstant() : Instant.now();
    }

    private static UUID uuid(String text) {
        if (text == null || text.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Where a dead letter without Courier's topic header was going, for reading it off its dead-letter queue (whose
     * routing key it now has): a delayed post's target topic, the original topic Courier recorded when it
     * dead-lettered it, or the routing key it was published with before the broker dead-lettered it (the oldest entry
     * of its {@code x-death} header, which lists the latest first); null when none of them says.
     */
    public static String deadLetterTopic(Map<String, Object> headers) {
        return headers == null ? null : firstText(text(headers.get(DELAY_TARGET)),
                text(headers.get(DeadLetterReason.ORIGINAL_TOPIC)), firstRoutingKey(headers.get(X_DEATH)));
    }

    private static String firstRoutingKey(Object xDeath) {
        if (!(xDeath instanceof List<?> deaths) || deaths.isEmpty()
                || !(deaths.get(deaths.size() - 1) instanceof Map<?, ?> oldest)
                || !(oldest.get("routing-keys") instanceof List<?> keys) || keys.isEmpty()) {
            return null;
        }
        return text(keys.get(0));
    }

    /** The first candidate that is neither null nor blank; null when there is none. */
    private static String firstText(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    /** A foreign value made safe to quote: one line, bounded; "(none)" for null. */
    public static String echo(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < MAX_ECHO; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
