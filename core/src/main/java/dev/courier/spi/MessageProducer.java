package dev.courier.spi;

import dev.courier.message.Message;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages to a broker. A send completes when the broker has confirmed the message (taken responsibility for
 * it), and fails when the broker refused it or it could not be routed. Honours {@code header().delay()}: the
 * message is delivered no sooner than that. Thread-safe.
 */
public interface MessageProducer extends AutoCloseable {

    CompletableFuture<Void> send(Message message);

    /**
     * Sends a message whose sender will not wait for the broker's confirm (a reply to a {@code call}: transient,
     * and its caller has a timeout). The transport may skip the confirm; then the future completes once the message
     * is handed to the broker connection and fails only for what is known at once (closed, not connected, too
     * large), and a later refusal (e.g. unroutable) is only logged. The default is {@link #send}.
     */
    default CompletableFuture<Void> sendUnconfirmed(Message message) {
        return send(message);
    }

    /** Sends all; the future completes when every message is confirmed, or fails with the first failure. */
    default CompletableFuture<Void> sendBatch(List<Message> messages) {
        CompletableFuture<?>[] futures = new CompletableFuture<?>[messages.size()];
        for (int i = 0; i < futures.length; i++) {
            futures[i] = send(messages.get(i));
        }
        return CompletableFuture.allOf(futures);
    }

    @Override
    void close();
}
