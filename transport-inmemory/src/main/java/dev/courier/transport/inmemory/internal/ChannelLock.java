package dev.courier.transport.inmemory.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A channel's one lock and its one condition, with what lets the two busiest steps go without the lock: the number
 * of threads waiting (an acknowledgement takes the lock to wake them only when there are any) and the flag a
 * receiver arms before it parks for lack of ready messages (the one sender that takes it wakes the receiver, the rest
 * of a burst need not). The condition is signalled whenever something changes: a message arrives or is settled, a
 * reader closes, the manual clock moves.
 */
final class ChannelLock {
    private static final Duration LONGEST = Duration.ofNanos(1L << 62);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /**
     * Threads inside {@link ChannelQueue#take} or a test-support wait; written under the lock, read by
     * acknowledgements.
     */
    private volatile int waiters;
    /** Set by a receiver about to park for lack of ready messages; taken by the sender that then wakes it. */
    private final AtomicBoolean armed = new AtomicBoolean();

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Under the lock, before a waiter checks anything: an arrival or acknowledgement after this wakes it. */
    void enterWait() {
        waiters++;
    }

    /** Under the lock, as a waiter stops waiting. */
    void leaveWait() {
        waiters--;
    }

    /** Under the lock, by a receiver about to park: the next sender of a due message wakes it. */
    void arm() {
        armed.set(true);
    }

    /** Without the lock, by a sender that just added a due message: true if it took the flag, and must wake. */
    boolean disarm() {
        return armed.get() && armed.getAndSet(false);
    }

    /** Under the lock: waits up to {@code nanos} for a signal (see {@link Condition#awaitNanos}). */
    void awaitNanos(long nanos) throws InterruptedException {
        changed.awaitNanos(nanos);
    }

    /** Under the lock: wakes every waiter so that it looks again. */
    void signalAll() {
        changed.signalAll();
    }

    /** Takes the lock and wakes every waiter so that it looks again. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Without the lock: wakes every waiter, taking the lock only when someone waits. */
    void wakeIfWaiting() {
        if (waiters > 0) {
            wake();
        }
    }

    /** Waits up to {@code timeout} until {@code counter} (read under the lock) reaches {@code count}; false if not. */
    boolean awaitAtLeast(long count, Duration timeout, LongSupplier counter) {
        long deadline = deadline(timeout);
        lock.lock();
        waiters++;
        try {
            while (counter.getAsLong() < count) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                changed.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiters--;
            lock.unlock();
        }
    }

    /** The {@link System#nanoTime()} at which {@code timeout} from now runs out. */
    static long deadline(Duration timeout) {
        return System.nanoTime() + saturatedNanos(timeout);
    }

    /** Nanoseconds in {@code duration}, at least 0 and at most 2^62, so deadline arithmetic cannot overflow. */
    static long saturatedNanos(Duration duration) {
        if (duration.isNegative()) {
            return 0;
        }
        return duration.compareTo(LONGEST) > 0 ? LONGEST.toNanos() : duration.toNanos();
    }
}
