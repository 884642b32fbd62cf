package dev.courier.transport.rabbitmq;

import dev.courier.ProducerException;
import dev.courier.message.Message;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** One published message waiting for its confirm; releases its window slot exactly once. */
final class PendingConfirm {
    final long seq;
    final long sentAt = System.nanoTime();
    final Message message;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private final Semaphore window;
    private final String exchange;
    private final AtomicBoolean done = new AtomicBoolean();
    volatile String returnText;

    /** {@code window} is the producer's confirm window, one slot of which this holds; {@code exchange} its exchange. */
    PendingConfirm(long seq, Message message, Semaphore window, String exchange) {
        this.seq = seq;
        this.message = message;
        this.window = window;
        this.exchange = exchange;
    }

    /** The error of a send that was not confirmed, and why. */
    static ProducerException failure(String why, Message message, Throwable cause) {
        return new ProducerException("Message " + message.id() + " on topic '" + message.topic()
                + "' not confirmed: " + why, cause);
    }

    void settle(boolean nack) {
        if (nack) {
            fail(failure("the broker refused it (nack)", message, null));
        } else if (returnText != null) {
            fail(new UnroutableMessageException(message.topic(), message.id(), exchange, returnText));
        } else if (done.compareAndSet(false, true)) {
            window.release();
            future.complete(null);
        }
    }

    void fail(ProducerException e) {
        if (done.compareAndSet(false, true)) {
            window.release();
            future.completeExceptionally(e);
        }
    }
}
