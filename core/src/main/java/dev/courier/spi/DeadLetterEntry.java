package dev.courier.spi;

import dev.courier.message.Message;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One dead letter as a transport's {@link DeadLetterBrowser} reads it.
 *
 * @param channel   the channel whose dead letters hold it
 * @param position  its place in this browse, from 1, oldest first (a handle for the browser, not stable across
 *                  browses)
 * @param messageId the message id as it was sent: the UUID for Courier's messages, or a foreign sender's own text
 *                  ({@code "(none)"} when it had none), so that a message with a broken id can still be named
 * @param message   the message, its bag holding the {@code courier-dead-letter-*} headers
 * @param reason    why it was dead-lettered; for a message the broker dead-lettered on its own (a quorum queue's
 *                  delivery limit, an expiry) the reason is {@code broker} with the broker's words as detail
 */
public record DeadLetterEntry(String channel, long position, String messageId, Message message,
        DeadLetterReason reason) {

    /** How many times this message was redriven, counting the redrive that sent it back last. */
    public static final String REDRIVE_COUNT = "courier-redrive-count";
    /** When it was last redriven (ISO-8601). */
    public static final String REDRIVEN_AT = "courier-redriven-at";
    /** The channel whose dead letters it was redriven from. */
    public static final String REDRIVEN_FROM = "courier-redriven-from";
    /** The dead-letter reason it had before its last redrive. */
    public static final String REDRIVEN_REASON = "courier-redriven-reason";

    public DeadLetterEntry {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(reason, "reason");
    }

    /** How many times it was redriven before (0 for a first dead letter). */
    public int redriveCount() {
        String count = message.header().bag().get(REDRIVE_COUNT);
        try {
            return count == null ? 0 : Math.max(0, Integer.parseInt(count.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The header bag a redriven copy carries: the message's own entries without the {@code courier-dead-letter-*}
     * headers, plus the redrive's record ({@link #REDRIVE_COUNT} raised by one, {@link #REDRIVEN_AT},
     * {@link #REDRIVEN_FROM}, {@link #REDRIVEN_REASON}). Transports add the transport's own bookkeeping headers to
     * what they strip; the attempt count starts again at zero because a redrive is a new delivery.
     */
    public Map<String, String> redrivenBag(Instant at) {
        Map<String, String> bag = new LinkedHashMap<>();
        message.header().bag().forEach((name, value) -> {
            if (!isDeadLetterHeader(name)) {
                bag.put(name, value);
            }
        });
        bag.put(REDRIVE_COUNT, Integer.toString(redriveCount() + 1));
        bag.put(REDRIVEN_AT, at.toString());
        bag.put(REDRIVEN_FROM, channel);
        bag.put(REDRIVEN_REASON, reason.reason());
        return bag;
    }

    /** True for the headers a dead-lettering adds ({@code courier-dead-letter-*}). */
    public static boolean isDeadLetterHeader(String name) {
        return name.regionMatches(true, 0, "courier-dead-letter-", 0, "courier-dead-letter-".length());
    }
}
