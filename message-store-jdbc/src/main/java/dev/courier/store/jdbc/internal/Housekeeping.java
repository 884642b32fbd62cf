package dev.courier.store.jdbc.internal;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleanup that a store runs by itself, without anyone scheduling it: {@link #due()} is called on the store's normal
 * path (an inbox's {@code add}); once per interval of real time it hands the cleanup to one shared background
 * thread, so the caller never waits for it and never runs it inside its own transaction. The thread exists only
 * while there is work and ends 30 s after the last; when it is busy, a cleanup that falls due is skipped until the
 * next interval.
 */
public final class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final ExecutorService CLEANER = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), task -> {
                Thread thread = new Thread(task, "courier-jdbc-housekeeping");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());

    private final String what;
    private final long intervalNanos;
    private final IntSupplier cleanup;
    private final AtomicLong nextNanos;

    /** {@code interval} null: never runs by itself. {@code what} names the store in logs. */
    public Housekeeping(String what, Duration interval, IntSupplier cleanup) {
        this.what = what;
        this.intervalNanos = interval == null ? -1 : interval.toNanos();
        this.cleanup = cleanup;
        this.nextNanos = new AtomicLong(System.nanoTime() + Math.max(intervalNanos, 0));
    }

    /** Starts the cleanup in the background if an interval has passed since the last one; cheap otherwise. */
    public void due() {
        if (intervalNanos < 0) {
            return;
        }
        long now = System.nanoTime();
        long next = nextNanos.get();
        if (now - next < 0 || !nextNanos.compareAndSet(next, now + intervalNanos)) {
            return;
        }
        CLEANER.execute(() -> {
            try {
                int deleted = cleanup.getAsInt();
                if (deleted > 0) {
                    LOG.info("Automatic cleanup of {} deleted {} row(s)", what, deleted);
                }
            } catch (RuntimeException e) {
                LOG.warn("Automatic cleanup of {} failed; it runs again after the next interval: {}", what,
                        e.toString());
            }
        });
    }
}
