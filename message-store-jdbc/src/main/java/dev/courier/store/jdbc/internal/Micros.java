package dev.courier.store.jdbc.internal;

import java.time.Instant;

/** The store's own times as microseconds since the epoch: portable across databases and free of time zones. */
public final class Micros {
    private Micros() {}

    /** {@code at} in microseconds, rounded down; instants beyond the range of a long are clamped. */
    public static long of(Instant at) {
        try {
            return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        } catch (ArithmeticException e) {
            return at.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    public static Instant toInstant(long micros) {
        return Instant.EPOCH.plusNanos(Math.floorMod(micros, 1_000_000L) * 1_000L)
                .plusSeconds(Math.floorDiv(micros, 1_000_000L));
    }
}
