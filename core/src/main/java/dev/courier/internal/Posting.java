package dev.courier.internal;

import dev.courier.ContextPropagator;
import dev.courier.CourierListener;
import dev.courier.OutboxException;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxTransaction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posting through the outbox: maps a request to a message, stores it, sends it through its topic's producer and
 * marks it dispatched once the broker confirmed. What fails to send stays outstanding for the sweeper.
 */
public final class Posting {
    private static final Logger LOG = LoggerFactory.getLogger(Posting.class);

    private final MessageMappers mappers;
    private final Outbox outbox;
    private final OutboxSender sender;
    private final Clock clock;
    private final Duration confirmTimeout;
    private final CourierListener listener;
    private final ContextPropagator propagator;

    public Posting(MessageMappers mappers, Outbox outbox, OutboxSender sender, Clock clock, Duration confirmTimeout,
            CourierListener listener, ContextPropagator propagator) {
        this.listener = listener;
        this.propagator = propagator;
        this.mappers = mappers;
        this.outbox = outbox;
        this.sender = sender;
        this.clock = clock;
        this.confirmTimeout = confirmTimeout;
    }

    /**
     * Stores the request's message, sends it and waits for the confirm; returns the message id. Inside a transaction
     * the outbox joined, it only stores: the message is sent after the commit (see {@link #sendAfterCommit}).
     */
    public UUID post(Request request, Duration delay, String operation, UnaryOperator<Message> addressing) {
        Message message = deposit(request, delay, operation, addressing);
        if (sendAfterCommit(message)) {
            return message.id();
        }
        sender.sendAndWait(List.of(message), confirmTimeout,
                () -> request.getClass().getSimpleName() + " " + request.id());
        return message.id();
    }

    /** Stores the request's message, then completes with its id once the broker confirmed it. */
    public CompletableFuture<UUID> postAsync(Request request, Duration delay) {
        Message message = deposit(request, delay, "postAsync", UnaryOperator.identity());
        if (sendAfterCommit(message)) {
            return CompletableFuture.completedFuture(message.id());
        }
        return sender.send(List.of(message)).thenApply(ids -> message.id());
    }

    /**
     * Whether the outbox wrote the message into a transaction that is still open; then it is sent once that commits
     * (confirmed and marked dispatched exactly as a post outside a transaction), or by the sweeper, and never if it
     * rolls back. A failure to send after the commit is logged and leaves the message outstanding for the sweeper.
     */
    private boolean sendAfterCommit(Message message) {
        return outbox.deferUntilCommit(() -> sender.send(List.of(message)).whenComplete((ids, failure) -> {
            if (failure != null) {
                LOG.warn("Message {} on '{}', posted in a transaction that committed, was not sent: {}; it stays "
                        + "outstanding for the sweeper", message.id(), message.topic(),
                        Futures.unwrap(failure).toString());
            }
        }));
    }

    /** Stores the requests' messages inside {@code transaction}, without sending them. */
    public List<UUID> depositPost(List<? extends Request> requests, OutboxTransaction transaction) {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(transaction, "transaction");
        List<Message> messages = new ArrayList<>(requests.size());
        for (Request request : requests) {
            Requests.require(request, "depositPost");
            messages.add(Contexts.carry(propagator, mappers.toMessage(request, Duration.ZERO, clock)));
        }
        outbox.add(messages, transaction);
        if (listener != CourierListener.NONE) {
            messages.forEach(listener::deposited);
        }
        return messages.stream().map(Message::id).toList();
    }

    /** Sends stored messages and marks them dispatched once confirmed. */
    public void clearOutbox(Collection<UUID> ids) {
        Objects.requireNonNull(ids, "ids");
        List<Message> messages = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            messages.add(stored(id, "clearOutbox"));
        }
        sender.sendAndWait(messages, confirmTimeout, () -> messages.size() + " message(s)");
    }

    /** Sends a stored message again, dispatched or not. */
    public void repost(UUID id) {
        Message message = stored(id, "repost");
        sender.sendAndWait(List.of(message), confirmTimeout, () -> "message " + id);
    }

    private Message deposit(Request request, Duration delay, String operation, UnaryOperator<Message> addressing) {
        Requests.require(request, operation);
        Objects.requireNonNull(delay, "delay");
        Message message = Contexts.carry(propagator, addressing.apply(mappers.toMessage(request, delay, clock)));
        outbox.add(List.of(message), OutboxTransaction.NONE);
        listener.deposited(message);
        return message;
    }

    private Message stored(UUID id, String operation) {
        Objects.requireNonNull(id, operation + " id");
        return outbox.get(id).orElseThrow(() -> new OutboxException(operation + "(" + id
                + "): the outbox holds no message with this id"));
    }
}
