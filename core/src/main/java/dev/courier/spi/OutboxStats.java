package dev.courier.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How many messages an outbox holds in each {@link OutboxState}, as {@link Outbox#stats} counts them.
 *
 * @param outstanding       messages neither dispatched nor parked. Unlike {@link Outbox#outstandingCount}, which
 *                          counts every message not yet dispatched (the bound on outstanding messages counts parked
 *                          ones too), this leaves out the parked ones.
 * @param parked            messages the broker refused {@code parkAfter} times, waiting to be reposted
 * @param dispatched        dispatched messages still kept (retention has not deleted them yet)
 * @param oldestOutstanding when the oldest outstanding message was stored, as {@link Outbox#oldestOutstanding};
 *                          empty when none is outstanding
 */
public record OutboxStats(long outstanding, long parked, long dispatched, Optional<Instant> oldestOutstanding) {
    public OutboxStats {
        requireNotNegative("outstanding", outstanding);
        requireNotNegative("parked", parked);
        requireNotNegative("dispatched", dispatched);
        Objects.requireNonNull(oldestOutstanding, "oldestOutstanding");
    }

    private static void requireNotNegative(String name, long count) {
        if (count < 0) {
            throw new IllegalArgumentException(name + " must not be negative but was " + count);
        }
    }
}
