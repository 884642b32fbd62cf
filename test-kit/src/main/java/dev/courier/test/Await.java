package dev.courier.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls for an outcome until a deadline, instead of sleeping for a guessed time. */
public final class Await {
    private Await() {}

    /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, () -> what, condition);
    }

    /** As {@link #until(Duration, String, BooleanSupplier)}, describing the state at the deadline in the error. */
    public static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            pause();
        }
    }

    /** Waits until {@code supplier} returns non-null and returns it. */
    public static <T> T value(Duration timeout, String what, Supplier<T> supplier) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value;
        while ((value = supplier.get()) == null) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            pause();
        }
        return value;
    }

    private static void pause() {
        // A poll interval, not a wait for an outcome: the caller's loop re-checks the condition.
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        if (Thread.interrupted()) {
            throw new AssertionError("Interrupted while waiting");
        }
    }
}
