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
