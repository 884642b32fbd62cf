package dev.courier.store.jdbc.internal;

import dev.courier.OutboxException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Enforces the outbox's bound on outstanding messages without a count on every add: it keeps an estimate (the last
 * count plus this instance's adds minus its dispatches) and counts again when the estimate says the bound would be
 * passed, or when the last count is older than the recount interval (other instances add too). An add only fails
 * after a fresh count confirmed it.
 */
public final class OutstandingBound {
    /** Counts outstanding messages on the given connection (so that the caller's uncommitted rows count). */
    @FunctionalInterface
    public interface Counter {
        long count(Connection connection) throws SQLException;
    }

    private final long max;
    private final Duration recountInterval;
    private final Clock clock;
    private final Counter counter;
    private long estimate;
    private Instant countedAt;

    public OutstandingBound(long max, Duration recountInterval, Clock clock, Counter counter) {
        this.max = max;
        this.recountInterval = recountInterval;
        this.clock = clock;
        this.counter = counter;
    }

    public boolean unbounded() {
        return max == Long.MAX_VALUE;
    }

    /** Fails when adding {@code adding} messages would pass the bound; otherwise counts them in. */
    public synchronized void admit(Connection connection, int adding, String table) throws SQLException {
        if (unbounded()) {
            return;
        }
        Instant now = clock.instant();
        boolean stale = countedAt == null || !now.isBefore(countedAt.plus(recountInterval));
        if (stale || estimate + adding > max) {
            estimate = counter.count(connection);
            countedAt = now;
        }
        if (estimate + adding > max) {
            throw new OutboxException("outbox full: " + estimate + " outstanding, limit " + max + " (adding "
                    + adding + " to table " + table + ")");
        }
        estimate += adding;
    }

    /** Takes back an admission whose transaction did not commit. */
    public synchronized void withdraw(int added) {
        estimate = Math.max(0, estimate - added);
    }

    public synchronized void dispatched(int count) {
        estimate = Math.max(0, estimate - count);
    }
}
