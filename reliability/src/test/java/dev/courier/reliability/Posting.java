package dev.courier.reliability;

import dev.courier.CourierException;
import dev.courier.Request;
import dev.courier.store.jdbc.JdbcTransaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The business side: commits messages in transactions ({@code depositPost} on the transaction's connection), then
 * tries to send them at once ({@code clearOutbox}); whatever that send does not confirm is left to the sweeper.
 * Counts what committed, what failed to commit, and how many immediate sends failed.
 */
final class Posting implements Runnable {
    final Set<UUID> committed = ConcurrentHashMap.newKeySet();
    final AtomicInteger attempted = new AtomicInteger();
    final AtomicInteger commitFailures = new AtomicInteger();
    final AtomicInteger sendFailures = new AtomicInteger();
    private final Rig rig;
    private final int total;
    private final int batch;
    private final boolean send;
    private volatile Throwable failure;
    private long nanosPerMessage;

    Posting(Rig rig, int total, int batch, boolean send) {
        this.rig = rig;
        this.total = total;
        this.batch = batch;
        this.send = send;
    }

    /**
     * Spreads the run over time at about {@code perSecond} messages a second, so that the faults a scenario injects
     * land while work is still flowing (an unpaced run can finish before the first fault takes effect).
     */
    Posting paced(int perSecond) {
        this.nanosPerMessage = 1_000_000_000L / perSecond;
        return this;
    }

    @Override
    public void run() {
        try {
            int n = 0;
            long start = System.nanoTime();
            while (n < total) {
                if (nanosPerMessage > 0) { // pacing the load, not waiting for an outcome
                    long due = start + n * nanosPerMessage - System.nanoTime();
                    if (due > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(due);
                    }
                }
                List<Work> works = new ArrayList<>();
                for (int i = 0; i < batch && n + i < total; i++) {
                    works.add(new Work(Request.newId(), n + i));
                }
                attempted.addAndGet(works.size());
                List<UUID> ids = commit(works);
                n += works.size();
                if (ids != null && send) {
                    try {
                        rig.processor.clearOutbox(ids);
                    } catch (CourierException e) {
                        sendFailures.incrementAndGet(); // visible failure; the rows stay outstanding
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** One business transaction; returns the ids when the commit reported success, null when it failed. */
    private List<UUID> commit(List<Work> works) {
        try (Connection c = rig.pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<UUID> ids = rig.processor.depositPost(works, JdbcTransaction.of(c));
                c.commit();
                committed.addAll(ids);
                return ids;
            } catch (RuntimeException | SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the transaction died with it
                }
                commitFailures.incrementAndGet();
                return null;
            }
        } catch (SQLException e) {
            commitFailures.incrementAndGet();
            return null;
        } catch (AssertionError e) {
            // pgjdbc asserts (under -ea, as surefire runs) that a connection the server crashed under can still
            // answer getAutoCommit(); the transaction failed visibly all the same
            if (e.getStackTrace().length == 0 || !e.getStackTrace()[0].getClassName().startsWith("org.postgresql")) {
                throw e;
            }
            commitFailures.incrementAndGet();
            return null;
        }
    }

    Throwable failure() {
        return failure;
    }
}
