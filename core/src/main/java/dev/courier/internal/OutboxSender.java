package dev.courier.internal;

import dev.courier.CourierListener;
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
import java.util.concurrent.RejectedExecutionException;
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
    private final DispatchMarks marks;
    private final CourierListener listener;

    public OutboxSender(Producers producers, Outbox outbox, Clock clock, Executor executor, CourierListener listener) {
        this.listener = listener;
        this.producers = producers;
        this.outbox = outbox;
        this.clock = clock;
        this.executor = executor;
        this.marks = new DispatchMarks(executor, this::markDispatched);
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
        List<UUID> ids = ids(messages);
        MessageProducer producer;
        try {
            producer = producer(topic, ids);
        } catch (ProducerException e) {
            notDispatched(messages, e);
            return CompletableFuture.failedFuture(e);
        }
        if (messages.size() > 1) {
            return sendEach(topic, producer, messages);
        }
        CompletableFuture<Void> sent;
        try {
            sent = send(producer, messages);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        BiFunction<Void, Throwable, List<UUID>> settle = (ok, failure) -> {
            if (failure != null) {
                ProducerException why = failed(topic, ids, Futures.unwrap(failure));
                notDispatched(messages, why);
                throw new CompletionException(why);
            }
            markDispatched(messages, ids);
            return ids;
        };
        // Already confirmed (an in-process broker confirms as it accepts): mark on this thread, the caller's own,
        // rather than paying a hand-off to the executor and back for every message. Confirmed later: queued for
        // marking together with the other sends confirmed meanwhile (DispatchMarks); a failure is handled on the
        // executor, never on the producer's confirm thread.
        if (sent.isDone()) {
            return sent.handle(settle);
        }
        CompletableFuture<List<UUID>> result = new CompletableFuture<>();
        sent.whenComplete((ok, failure) -> {
            try {
                if (failure == null) {
                    marks.add(messages, ids, result);
                } else {
                    Runnable fail = () -> {
                        try {
                            settle.apply(null, failure); // tells the listener, then throws the ProducerException
                        } catch (Throwable e) {
                            result.completeExceptionally(e instanceof CompletionException && e.getCause() != null
                                    ? e.getCause() : e);
                        }
                    };
                    try {
                        executor.execute(fail);
                    } catch (RejectedExecutionException e) {
                        fail.run(); // shutting down: only the listener's notDispatched runs here, no database
                    }
                }
            } catch (Throwable e) {
                result.completeExceptionally(e); // never let it surface on the producer's confirm thread
            }
        });
        return result;
    }

    /**
     * Sends every message on its own, so that one the broker refuses (too large, unroutable) fails alone: the others
     * are marked dispatched once confirmed, and the returned future fails with {@link PartlySentException}, which
     * says which were sent, only when at least one failed.
     */
    private CompletableFuture<List<UUID>> sendEach(String topic, MessageProducer producer, List<Message> messages) {
        List<CompletableFuture<Void>> each = new ArrayList<>(messages.size());
        for (Message message : messages) {
            CompletableFuture<Void> one;
            try {
                one = send(producer, List.of(message));
            } catch (RuntimeException e) {
                one = CompletableFuture.failedFuture(e);
            }
            each.add(one);
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
        BiFunction<Void, Throwable, List<UUID>> settle = (ignored, anyFailure) -> {
            List<UUID> sent = new ArrayList<>(messages.size());
            List<Message> sentMessages = new ArrayList<>(messages.size());
            Map<UUID, Throwable> failed = new LinkedHashMap<>();
            for (int i = 0; i < messages.size(); i++) {
                CompletableFuture<Void> one = each.get(i);
                if (one.isCompletedExceptionally()) {
                    Throwable why = Futures.unwrap(one.handle((ok, e) -> e).join());
                    failed.put(messages.get(i).id(), why);
                    notDispatched(List.of(messages.get(i)), why);
                } else {
                    sent.add(messages.get(i).id());
                    sentMessages.add(messages.get(i));
                }
            }
            if (!sent.isEmpty()) {
                markDispatched(sentMessages, sent);
            }
            if (!failed.isEmpty()) {
                throw new CompletionException(new PartlySentException(topic, sent, failed));
            }
            return sent;
        };
        return all.isDone() ? all.handle(settle) : all.handleAsync(settle, executor);
    }

    /**
     * Sends, waits up to {@code timeout} for the broker's confirm and marks the messages dispatched on this thread,
     * which waits anyway: no hand-off to the executor and back, and no futures beyond the producer's own. A confirm
     * that comes after the timeout is still marked, on the executor. What {@code post}, {@code clearOutbox} and
     * {@code repost} use; {@code what} names the messages in a timeout's error.
     */
    public List<UUID> sendAndWait(List<Message> messages, Duration timeout, Supplier<String> what) {
        if (messages.isEmpty()) {
            return List.of();
        }
        String topic = messages.get(0).topic();
        for (Message message : messages) {
            if (!message.topic().equals(topic)) {
                return Futures.await(send(messages), timeout, what);
            }
        }
        List<UUID> ids = ids(messages);
        MessageProducer producer;
        try {
            producer = producer(topic, ids);
        } catch (ProducerException e) {
            notDispatched(messages, e);
            throw e;
        }
        CompletableFuture<Void> sent;
        try {
            sent = send(producer, messages);
        } catch (RuntimeException e) {
            throw notDispatched(messages, failed(topic, ids, e));
        }
        try {
            if (sent.isDone()) {
                sent.join();
            } else {
                sent.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (CompletionException | ExecutionException e) {
            throw notDispatched(messages, failed(topic, ids, Futures.unwrap(e)));
        } catch (TimeoutException e) {
            markWhenConfirmed(sent, messages, ids);
            throw Futures.notConfirmed(what, timeout);
        } catch (InterruptedException e) {
            markWhenConfirmed(sent, messages, ids);
            Thread.currentThread().interrupt();
            throw Futures.interrupted(what, e);
        }
        markDispatched(messages, ids);
        return ids;
    }

    /** A confirm that comes after the caller stopped waiting still marks the messages, on the executor. */
    private void markWhenConfirmed(CompletableFuture<Void> sent, List<Message> messages, List<UUID> ids) {
        sent.whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                markDispatched(messages, ids);
            } else {
                notDispatched(messages, Futures.unwrap(failure));
            }
        }, executor);
    }

    private void markDispatched(List<Message> messages, List<UUID> ids) {
        outbox.markDispatched(ids, clock.instant());
        if (listener != CourierListener.NONE) {
            messages.forEach(listener::dispatched);
        }
    }

    private <T extends Throwable> T notDispatched(List<Message> messages, T cause) {
        if (listener != CourierListener.NONE) {
            messages.forEach(m -> listener.notDispatched(m, cause));
        }
        return cause;
    }

    private MessageProducer producer(String topic, List<UUID> ids) {
        return producers.require(topic, () -> "messages " + ids + " stay outstanding in the outbox");
    }

    /** Hands the messages to the producer, telling the listener first. */
    private CompletableFuture<Void> send(MessageProducer producer, List<Message> messages) {
        if (listener != CourierListener.NONE) {
            messages.forEach(listener::sending);
        }
        return messages.size() == 1 ? producer.send(messages.get(0)) : producer.sendBatch(messages);
    }

    private static List<UUID> ids(List<Message> messages) {
        return messages.size() == 1 ? List.of(messages.get(0).id()) : messages.stream().map(Message::id).toList();
    }

    private static ProducerException failed(String topic, List<UUID> ids, Throwable cause) {
        return new ProducerException("Sending " + ids.size() + " message(s) on topic '" + topic + "' failed (they stay"
                + " outstanding in the outbox): " + cause.getMessage(), cause);
    }
}
