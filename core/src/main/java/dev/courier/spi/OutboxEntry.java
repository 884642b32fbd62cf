package dev.courier.spi;

import dev.courier.message.Message;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;

/**
 * One stored message as {@link Outbox#query} reads it, with where it stands.
 *
 * @param message      the message as stored
 * @param state        where it stands
 * @param createdAt    when it was stored, by the outbox's clock (a database store keeps microseconds)
 * @param dispatchedAt when it was marked dispatched; null unless its state is {@link OutboxState#DISPATCHED}
 * @param refusals     how many sends the broker refused ({@link Outbox#recordRefusal}); not negative
 * @param lastRefusal  the last refusal's reason; empty when there was none
 */
public record OutboxEntry(Message message, OutboxState state, Instant createdAt, Instant dispatchedAt, int refusals,
        String lastRefusal) {

    /**
     * The order {@link Outbox#query} returns entries in and pages through: by creation time, then by message id as
     * an unsigned 128-bit number. That is the order of the ids' text and of the databases' {@code uuid} types, and
     * not {@link UUID#compareTo}, which compares the two halves as signed numbers.
     */
    public static final Comparator<OutboxEntry> ORDER = Comparator.comparing(OutboxEntry::createdAt)
            .thenComparing(entry -> entry.message().id(), OutboxEntry::compareIds);

    public OutboxEntry {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        if ((state == OutboxState.DISPATCHED) != (dispatchedAt != null)) {
            throw new IllegalArgumentException("dispatchedAt must be set exactly when the state is DISPATCHED, but"
                    + " the state was " + state + " and dispatchedAt " + dispatchedAt + " (message "
                    + message.id() + ")");
        }
        if (refusals < 0) {
            throw new IllegalArgumentException("refusals must not be negative but was " + refusals + " (message "
                    + message.id() + ")");
        }
        lastRefusal = lastRefusal == null ? "" : lastRefusal;
    }

    /** Compares ids as unsigned 128-bit numbers, the order of {@link #ORDER}. */
    static int compareIds(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
