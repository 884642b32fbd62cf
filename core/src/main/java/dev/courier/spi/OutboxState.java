package dev.courier.spi;

/**
 * Where a stored message stands in an {@link Outbox}; each is in exactly one of these states. {@link Outbox#query}
 * lists the messages of one state and {@link Outbox#stats} counts them.
 */
public enum OutboxState {
    /**
     * Neither dispatched nor parked: the sweeper sends it once it is old enough and any lease on it has ended. A
     * message the broker refused fewer than {@code parkAfter} times is still outstanding.
     */
    OUTSTANDING,
    /**
     * Refused by the broker {@code parkAfter} times ({@link Outbox#recordRefusal}): stored, but no longer claimed by
     * the sweeper until it is reposted.
     */
    PARKED,
    /** Marked dispatched (sent and confirmed, {@link Outbox#markDispatched}); kept until retention deletes it. */
    DISPATCHED
}
