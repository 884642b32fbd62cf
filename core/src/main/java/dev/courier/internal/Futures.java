package dev.courier.internal;

import dev.courier.ProducerException;
import dev.courier.pipeline.Rethrow;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Waiting for the broker's futures, and taking the real cause out of their wrappers. */
public final class Futures {
    private Futures() {}

    /** The cause inside {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Waits for {@code future}, turning a timeout or failure into an exception that says what is outstanding
     * ({@code what}, only made when needed: this is on every post's path).
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, Supplier<String> what) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw notConfirmed(what, timeout);
        } catch (ExecutionException e) {
            throw Rethrow.asItIs(unwrap(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(what, e);
        }
    }

    static ProducerException notConfirmed(Supplier<String> what, Duration timeout) {
        return new ProducerException(what.get() + " was not confirmed within " + timeout.toMillis()
                + " ms; it stays outstanding in the outbox for the sweeper");
    }

    static ProducerException interrupted(Supplier<String> what, InterruptedException e) {
        return new ProducerException("Interrupted waiting for " + what.get() + " to be confirmed", e);
    }
}
