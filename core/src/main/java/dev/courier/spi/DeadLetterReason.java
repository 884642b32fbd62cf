package dev.courier.spi;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Why a message went to the dead letters. Transports store it as the {@code courier-dead-letter-*} headers listed
 * in {@link #asHeaders()}, next to the message's original headers.
 *
 * @param reason        a short machine-readable cause: {@code handler-failed}, {@code rejected},
 *                      {@code unacceptable}
 * @param detail        a human-readable explanation (for unacceptable messages: what could not be mapped)
 * @param exceptionType the class of the exception that caused it; empty when none
 * @param originalTopic the topic the message was consumed from
 * @param attempts      how many times a handler ran for it
 * @param at            when it was dead-lettered
 */
public record DeadLetterReason(
        String reason, String detail, String exceptionType, String originalTopic, int attempts, Instant at) {

    public static final String REASON = "courier-dead-letter-reason";
    public static final String DETAIL = "courier-dead-letter-detail";
    public static final String EXCEPTION_TYPE = "courier-dead-letter-exception-type";
    public static final String ORIGINAL_TOPIC = "courier-dead-letter-original-topic";
    public static final String ATTEMPTS = "courier-dead-letter-attempts";
    public static final String AT = "courier-dead-letter-at";

    /** Longest detail kept, so a huge exception message cannot bloat a header. */
    public static final int MAX_DETAIL = 1000;

    public DeadLetterReason {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(originalTopic, "originalTopic");
        Objects.requireNonNull(at, "at");
        detail = sanitize(detail == null ? "" : detail);
        exceptionType = exceptionType == null ? "" : exceptionType;
    }

    public Map<String, String> asHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(REASON, reason);
        headers.put(DETAIL, detail);
        headers.put(EXCEPTION_TYPE, exceptionType);
        headers.put(ORIGINAL_TOPIC, originalTopic);
        headers.put(ATTEMPTS, Integer.toString(attempts));
        headers.put(AT, at.toString());
        return headers;
    }

    /**
     * The reason recorded in a dead letter's headers ({@link #asHeaders()}). A message the broker dead-lettered on
     * its own carries none: its reason is {@code broker}, with {@code brokerDetail} (the broker's own words, such as
     * a quorum queue's delivery limit) as detail and {@code fallbackAt} as time. A broken attempts or time header
     * reads as 0 or {@code fallbackAt}: a dead letter is shown whatever its headers say.
     */
    public static DeadLetterReason fromHeaders(Map<String, String> bag, String topic, String brokerDetail,
            Instant fallbackAt) {
        String reason = bag.get(REASON);
        if (reason == null || reason.isBlank()) {
            return new DeadLetterReason("broker", brokerDetail, "", topic, 0, fallbackAt);
        }
        int attempts;
        try {
            attempts = Integer.parseInt(bag.getOrDefault(ATTEMPTS, "0").trim());
        } catch (NumberFormatException e) {
            attempts = 0;
        }
        Instant at;
        try {
            at = bag.containsKey(AT) ? Instant.parse(bag.get(AT).trim()) : fallbackAt;
        } catch (java.time.format.DateTimeParseException e) {
            at = fallbackAt;
        }
        return new DeadLetterReason(reason, bag.get(DETAIL), bag.get(EXCEPTION_TYPE),
                bag.getOrDefault(ORIGINAL_TOPIC, topic), attempts, at);
    }

    /** Strips control characters (CR/LF among them) and truncates, so a header value stays one safe line. */
    static String sanitize(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DETAIL));
        for (int i = 0; i < text.length() && out.length() < MAX_DETAIL; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
