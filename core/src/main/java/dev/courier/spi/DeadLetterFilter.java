package dev.courier.spi;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which dead letters an operation takes; every field set must match, an unset one matches everything.
 *
 * @param reason     the dead-letter reason ({@code handler-failed}, {@code rejected}, {@code unacceptable},
 *                   {@code no-recipient}, {@code broker}), exactly; null for any
 * @param type       the request type: the mapper's {@code courier-type} header, by full or simple class name, or the
 *                   message type ({@code COMMAND}, {@code EVENT}, ...), ignoring case; null for any
 * @param from       dead-lettered at or after; null for no lower bound
 * @param until      dead-lettered before; null for no upper bound
 * @param messageIds these message ids only (as {@link DeadLetterEntry#messageId()}); empty for any
 */
public record DeadLetterFilter(String reason, String type, Instant from, Instant until, Set<String> messageIds) {
    /** Takes every dead letter. */
    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null, Set.of());

    public DeadLetterFilter {
        messageIds = messageIds == null ? Set.of() : Set.copyOf(messageIds);
        if (from != null && until != null && !from.isBefore(until)) {
            throw new IllegalArgumentException("The filter's time range is empty: from " + from
                    + " is not before until " + until);
        }
    }

    /** A filter built up condition by condition; {@code build()} with none set is {@link #ALL}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code entry} passes every condition set. */
    public boolean matches(DeadLetterEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (reason != null && !reason.equals(entry.reason().reason())) {
            return false;
        }
        if (type != null && !typeMatches(entry)) {
            return false;
        }
        Instant at = entry.reason().at();
        if ((from != null && at.isBefore(from)) || (until != null && !at.isBefore(until))) {
            return false;
        }
        return messageIds.isEmpty() || messageIds.contains(entry.messageId());
    }

    private boolean typeMatches(DeadLetterEntry entry) {
        String wanted = type.toLowerCase(Locale.ROOT);
        String requestType = entry.message().header().bag().get("courier-type");
        if (requestType != null) {
            String full = requestType.toLowerCase(Locale.ROOT);
            String simple = full.substring(Math.max(full.lastIndexOf('.'), full.lastIndexOf('$')) + 1);
            if (full.equals(wanted) || simple.equals(wanted)) {
                return true;
            }
        }
        return entry.message().header().messageType().name().toLowerCase(Locale.ROOT).equals(wanted);
    }

    /** The conditions set, for messages and logs: {@code reason=handler-failed type=Greet}, or {@code all}. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        append(text, "reason", reason);
        append(text, "type", type);
        append(text, "from", from);
        append(text, "until", until);
        append(text, "ids", messageIds.isEmpty() ? null : messageIds.size() + " id(s)");
        return text.length() == 0 ? "all" : text.toString();
    }

    private static void append(StringBuilder text, String name, Object value) {
        if (value != null) {
            text.append(text.length() == 0 ? "" : " ").append(name).append('=').append(value);
        }
    }

    /** Builds a {@link DeadLetterFilter}. */
    public static final class Builder {
        private String reason;
        private String type;
        private Instant from;
        private Instant until;
        private Set<String> messageIds = Set.of();

        private Builder() {}

        public Builder reason(String value) {
            reason = value;
            return this;
        }

        public Builder type(String value) {
            type = value;
            return this;
        }

        /** Dead-lettered at or after {@code fromInclusive} and before {@code untilExclusive}; either may be null. */
        public Builder between(Instant fromInclusive, Instant untilExclusive) {
            from = fromInclusive;
            until = untilExclusive;
            return this;
        }

        public Builder ids(Set<String> values) {
            messageIds = values;
            return this;
        }

        public DeadLetterFilter build() {
            return new DeadLetterFilter(reason, type, from, until, messageIds);
        }
    }
}
