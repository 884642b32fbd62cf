package dev.courier.internal;

import dev.courier.ProducerException;
import dev.courier.Producers;
import dev.courier.message.Message;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Sends stored messages through their topics' producers and marks each topic's batch dispatched once the broker
 * confirmed it. Marking runs on {@code executor}, never on the producer's confirm thread (which may be a broker
 * connection's I/O thread that must not block on a database); a send that is already confirmed when it returns is
 * marked on the calling thread.
 */
public final class OutboxSender {
    private final Producers producers;
    private final Outbox outbox;
    private final Clock clock;
    private final Executor executor;

    public OutboxSender(Producers producers, Outbox outbox, Clock clock, Executor executor) {
        this.producers = producers;
        this.outbox = outbox;
        this.clock = clock;
        this.executor = executor;
    }

    /** Completes with the ids sent and marked dispatched, or fails when any topic's batch failed. */
    public CompletableFuture<List<UUID>> send(List<Message> messages) {
        if (messages.size() == 1) {
            return sendTopic(messages.get(0).topic(), messages);
        }
        Map<String, List<Message>> byTopic = new LinkedHashMap<>();
        for (Message message : messages) {
            byTopic.computeIfAbsent(message.topic(), t -> new ArrayList<>()).add(message);
        }
        List<CompletableFuture<List<UUID>>> batches = new ArrayList<>();
        for (Map.Entry<String, List<Message>> entry : byTopic.entrySet()) {
            batches.add(sendTopic(entry.getKey(), entry.getValue()));
        }
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<UUID> ids = new ArrayList<>();
            batches.forEach(b -> ids.addAll(b.join()));
            return ids;
        });
    }

    private CompletableFuture<List<UUID>> sendTopic(String topic, List<Message> messages) {
        MessageProducer producer = producers.forTopic(topic);
        List<UUID> ids = messages.size() == 1 ? List.of(messages.get(0).id())
                : messages.stream().map(Message::id).toList();
        if (producer == null) {
            return CompletableFuture.failedFuture(new ProducerException("No producer for topic '" + topic
                    + "'; messages " + ids + " stay outstanding in the outbox"));
        }
        CompletableFuture<Void> sent;
        try {
            sent = messages.size() == 1 ? producer.send(messages.get(0)) : producer.sendBatch(messages);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        BiFunction<Void, Throwable, List<UUID>> settle = (ok, failure) -> {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                throw new CompletionException(new ProducerException("Sending " + ids.size() + " message(s) on topic '"
                        + topic + "' failed (they stay outstanding in the outbox): " + cause.getMessage(), cause));
            }
            outbox.markDispatched(ids, clock.instant());
            return ids;
        };
        // Already confirmed (an in-process broker confirms as it accepts): mark on this thread, the caller's own,
        // rather than paying a hand-off to the executor and back for every message.
        return sent.isDone() ? sent.handle(settle) : sent.handleAsync(settle, executor);
    }

    /**
     * Waits for {@code future}, turning a timeout or failure into an exception that says what is outstanding
     * ({@code what}, only made when needed: this is on every post's path).
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, Supplier<String> what) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ProducerException(what.get() + " was not confirmed within " + timeout.toMillis()
                    + " ms; it stays outstanding in the outbox for the sweeper");
        } catch (ExecutionException e) {
            throw Sneaky.rethrow(unwrap(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProducerException("Interrupted waiting for " + what.get() + " to be confirmed", e);
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
