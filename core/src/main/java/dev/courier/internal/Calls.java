package dev.courier.internal;

import dev.courier.ConfigurationException;
import dev.courier.ContextPropagator;
import dev.courier.CourierException;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.ReplyTimeoutException;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.message.MessageHeader;
import dev.courier.pipeline.Rethrow;
import dev.courier.spi.MessageProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request-reply: calls that wait for their reply, replies sent back to a request's reply-to address, and recipients
 * registered on this processor's reply address. Everything that needs the reply address goes through
 * {@link #listener(String)}, which says what to configure when there is none.
 */
public final class Calls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

    private final ReplyListener replies;
    private final MessageMappers mappers;
    private final Producers producers;
    private final Clock clock;
    private final Duration confirmTimeout;
    private final ContextPropagator propagator;

    /** {@code replies} is null for a processor built without a reply channel. */
    public Calls(ReplyListener replies, MessageMappers mappers, Producers producers, Clock clock,
            Duration confirmTimeout, ContextPropagator propagator) {
        this.propagator = propagator;
        this.replies = replies;
        this.mappers = mappers;
        this.producers = producers;
        this.clock = clock;
        this.confirmTimeout = confirmTimeout;
    }

    public <R extends Reply> R call(Request request, Class<R> replyType, Duration timeout) {
        Requests.require(request, "call");
        ReplyListener listener = listener("call");
        // The caller's own thread waits with the timeout: no timer task per call, no extra stage to complete.
        CompletableFuture<Reply> reply = start(listener, request, replyType, timeout);
        try {
            Reply answer;
            try {
                answer = reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // Closing the future makes a reply arriving now count as dropped; if it was completed in this very
                // instant, that outcome stands.
                if (reply.completeExceptionally(e)) {
                    throw new ReplyTimeoutException(request, replyType, timeout);
                }
                answer = reply.get();
            }
            return replyType.cast(answer);
        } catch (ExecutionException e) {
            throw Rethrow.asItIs(Futures.unwrap(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CourierException("Interrupted waiting for the reply to " + request.id(), e);
        } finally {
            listener.forget(request.id());
        }
    }

    public <R extends Reply> CompletionStage<R> callAsync(Request request, Class<R> replyType, Duration timeout) {
        Requests.require(request, "callAsync");
        ReplyListener listener = listener("call");
        CompletableFuture<Reply> reply = start(listener, request, replyType, timeout);
        CompletableFuture<R> result = new CompletableFuture<>();
        reply.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((r, failure) -> {
            listener.forget(request.id());
            if (failure == null) {
                result.complete(replyType.cast(r));
            } else {
                Throwable cause = Futures.unwrap(failure);
                result.completeExceptionally(cause instanceof TimeoutException
                        ? new ReplyTimeoutException(request, replyType, timeout) : cause);
            }
        });
        return result;
    }

    /**
     * Registers the caller, then sends the request straight to the broker. The returned future completes with the
     * reply, or fails when sending failed (e.g. unroutable) or the processor closed; the caller forgets it.
     */
    private CompletableFuture<Reply> start(ReplyListener listener, Request request, Class<? extends Reply> replyType,
            Duration timeout) {
        Objects.requireNonNull(replyType, "replyType");
        Objects.requireNonNull(timeout, "timeout");
        mappers.registration(replyType);
        CompletableFuture<Reply> reply = listener.expect(request.id(), replyType);
        try {
            Message message = Contexts.carry(propagator, mappers.toMessage(request, Duration.ZERO, clock));
            message = message.withHeader(message.header().toBuilder().replyTo(listener.address())
                    .correlationId(request.id()).build());
            sendDirect(message, false).whenComplete((ok, failure) -> {
                if (failure != null) {
                    reply.completeExceptionally(Futures.unwrap(failure));
                }
            });
        } catch (RuntimeException e) {
            listener.forget(request.id());
            throw e;
        }
        return reply;
    }

    /** Sends {@code reply} to the reply-to address of {@code origin}, for its recipient if it had one. */
    public void reply(Reply reply, Message origin) {
        Requests.require(reply, "reply");
        String replyTo = origin.header().replyTo();
        if (replyTo == null || replyTo.isBlank()) {
            throw new CourierException("reply(" + reply.getClass().getSimpleName() + "): message " + origin.id()
                    + " on topic '" + origin.topic() + "' has no reply-to address; send it with call() or postFor()");
        }
        if (!replyTo.startsWith(Reply.ADDRESS_PREFIX)) {
            throw new CourierException("reply(" + reply.getClass().getSimpleName() + "): message " + origin.id()
                    + " asks for its reply at '" + replyTo + "', which is not a reply address (" + Reply.ADDRESS_PREFIX
                    + "...); a reply never goes to a topic, so that no sender can aim replies at someone's work queue");
        }
        String recipient = origin.header().bag().get(MessageMappers.RECIPIENT_HEADER);
        Message message = mappers.toMessage(reply, Duration.ZERO, clock);
        message = message.withHeader(forRecipient(message.header(), recipient).topic(replyTo).build());
        if (recipient != null) {
            // A recipient may wait for this much longer than any call: make sure the broker has it.
            Futures.await(sendDirect(message, false), confirmTimeout, () -> "reply " + reply.id());
            return;
        }
        // A reply to a call is not confirmed: a failure known at once is thrown; a later one (a reply queue gone) is
        // only logged. The caller has its timeout, and this saves the handler a round trip to the broker.
        CompletableFuture<Void> sent = sendDirect(message, true);
        if (sent.isCompletedExceptionally()) {
            Futures.await(sent, confirmTimeout, () -> "reply " + reply.id());
        }
        sent.whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warn("Reply {} to {} (correlation {}) was not confirmed by the broker: {}", reply.id(), replyTo,
                        reply.correlationId(), Futures.unwrap(failure).toString());
            }
        });
    }

    /** How {@code postFor} addresses its message: replies to this processor, for {@code recipientId}. */
    public Message addressedFor(String recipientId, Message message) {
        return message.withHeader(forRecipient(message.header(), recipientId)
                .replyTo(listener("postFor").address()).build());
    }

    public <T extends Request> void addRecipient(String recipientId, Class<T> type, Consumer<? super T> callback) {
        Objects.requireNonNull(recipientId, "recipientId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(callback, "callback");
        mappers.registration(type);
        listener("addRecipient").addRecipient(recipientId, type, callback);
    }

    public boolean removeRecipient(String recipientId) {
        return listener("removeRecipient").removeRecipient(Objects.requireNonNull(recipientId, "recipientId"));
    }

    public long droppedReplies() {
        return replies == null ? 0 : replies.droppedReplies();
    }

    public Optional<String> replyAddress() {
        return replies == null ? Optional.empty() : Optional.of(replies.address());
    }

    /** The reply listener; {@code operation} names what needed it when the processor has none. */
    public ReplyListener listener(String operation) {
        if (replies == null) {
            throw new ConfigurationException(operation + "() needs a reply address: build the processor with "
                    + "replyChannel(transport)");
        }
        return replies;
    }

    private static MessageHeader.Builder forRecipient(MessageHeader header, String recipient) {
        MessageHeader.Builder builder = header.toBuilder();
        if (recipient != null) {
            Map<String, String> bag = new HashMap<>(header.bag());
            bag.put(MessageMappers.RECIPIENT_HEADER, recipient);
            builder.bag(bag);
        }
        return builder;
    }

    private CompletableFuture<Void> sendDirect(Message message, boolean unconfirmed) {
        try {
            MessageProducer producer = producers.require(message.topic(), () -> "message " + message.id());
            return unconfirmed ? producer.sendUnconfirmed(message) : producer.send(message);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        if (replies != null) {
            replies.close();
        }
    }
}
