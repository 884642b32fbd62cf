package dev.courier.internal;

import dev.courier.CourierException;
import dev.courier.CourierListener;
import dev.courier.Reply;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageListener;
import dev.courier.spi.NamedThreadFactory;
import dev.courier.spi.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one consumer of a processor's reply address, shared by all its calls and recipients. A reply for a call
 * completes the caller's future; a message for a recipient goes to its callback; a reply for nobody is dropped and
 * counted; a message for a recipient that is not registered is dead-lettered with the reason.
 *
 * <p>Replies to calls are taken on the transport's delivery thread where the transport offers that (a listening
 * consumer, see {@link Transport#createConsumer(ChannelSpec, MessageListener)}): completing the caller's future
 * there saves waking this listener's thread first. Messages for recipients always run on this listener's thread, so
 * that a slow callback never holds up the transport. The thread also watches the consumer and replaces it when it
 * breaks.
 */
public final class ReplyListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);

    private static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(200);

    private record Pending(Class<? extends Reply> type, CompletableFuture<Reply> future) {}

    private record Recipient(Class<? extends Request> type, Consumer<Request> callback) {}

    private final String address;
    private final Transport transport;
    private final ChannelSpec channel;
    private final MessageMappers mappers;
    private final Clock clock;
    private final CourierListener listener;
    private final Map<UUID, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Recipient> recipients = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public ReplyListener(String address, Transport transport, MessageMappers mappers, Clock clock,
            CourierListener listener) {
        this.address = address;
        this.listener = listener;
        this.mappers = mappers;
        this.clock = clock;
        this.transport = transport;
        this.channel = ChannelSpec.of(address);
        MessageConsumer first = transport.createConsumer(channel, this::offer);
        this.thread = new NamedThreadFactory("courier-replies").newThread(() -> run(first));
        thread.start();
    }

    /** The reply-to address: the topic this listener's channel reads. */
    public String address() {
        return address;
    }

    /** Registers a caller before its request leaves; the future completes with the reply. */
    public <R extends Reply> CompletableFuture<Reply> expect(UUID correlationId, Class<R> type) {
        CompletableFuture<Reply> future = new CompletableFuture<>();
        if (pending.putIfAbsent(correlationId, new Pending(type, future)) != null) {
            throw new CourierException("A call with id " + correlationId + " is already waiting for its reply");
        }
        return future;
    }

    /** Removes a caller (after its reply, timeout or failure); a reply arriving afterwards is dropped. */
    public void forget(UUID correlationId) {
        pending.remove(correlationId);
    }

    @SuppressWarnings("unchecked")
    public <T extends Request> void addRecipient(String id, Class<T> type, Consumer<? super T> callback) {
        Recipient recipient = new Recipient(type, r -> ((Consumer<Request>) callback).accept(r));
        if (recipients.putIfAbsent(id, recipient) != null) {
            throw new IllegalArgumentException("Recipient '" + id + "' is already registered");
        }
    }

    public boolean removeRecipient(String id) {
        return recipients.remove(id) != null;
    }

    /** Replies that arrived when nobody waited for them any more. */
    public long droppedReplies() {
        return dropped.get();
    }

    private void run(MessageConsumer first) {
        MessageConsumer consumer = first;
        Duration backoff = Duration.ofMillis(100);
        while (running) {
            try {
                if (consumer == null) {
                    consumer = transport.createConsumer(channel, this::offer);
                }
                Message message = consumer.receive(RECEIVE_TIMEOUT);
                if (message != null) {
                    deliver(consumer, message);
                }
                backoff = Duration.ofMillis(100);
            } catch (RuntimeException e) {
                LOG.warn("Reply channel '{}' failed; retrying in {} ms: {}", address, backoff.toMillis(), e.toString());
                close(consumer);
                consumer = null;
                try {
                    closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
                        : backoff.multipliedBy(2);
            }
        }
        close(consumer);
    }

    /** On the transport's delivery thread: takes replies to calls, leaves messages for recipients to {@link #run}. */
    private boolean offer(Message message, MessageConsumer consumer) {
        if (message.header().bag().get(MessageMappers.RECIPIENT_HEADER) != null) {
            return false;
        }
        toCaller(consumer, message);
        return true;
    }

    private void deliver(MessageConsumer consumer, Message message) {
        String recipientId = message.header().bag().get(MessageMappers.RECIPIENT_HEADER);
        if (recipientId != null) {
            toRecipient(consumer, message, recipientId);
        } else {
            toCaller(consumer, message);
        }
    }

    /**
     * Completes the caller's future, then acknowledges. A reply whose caller is gone, or whose future was completed
     * already (it timed out in the same instant), is dropped and counted: it never reaches anyone else.
     */
    private void toCaller(MessageConsumer consumer, Message message) {
        UUID correlationId = message.header().correlationId();
        Pending caller = correlationId == null ? null : pending.remove(correlationId);
        Reply reply;
        try {
            reply = caller == null ? null : (Reply) mappers.toRequest(message, List.of(caller.type()));
        } catch (RuntimeException e) {
            caller.future().completeExceptionally(e);
            consumer.reject(message, reason("unacceptable", e, message));
            return;
        }
        if (caller == null || !caller.future().complete(reply)) {
            dropped.incrementAndGet();
            LOG.info("Dropping reply {} (correlation {}): no caller waits for it any more", message.id(),
                    correlationId);
            listener.replyDropped(message);
        } else {
            listener.replyMatched(message);
        }
        consumer.acknowledge(message);
    }

    private void toRecipient(MessageConsumer consumer, Message message, String recipientId) {
        Recipient recipient = recipients.get(recipientId);
        if (recipient == null) {
            LOG.warn("Dead-lettering {}: recipient '{}' is not registered", message.id(), recipientId);
            consumer.reject(message, new DeadLetterReason("no-recipient", "recipient '" + recipientId
                    + "' is not registered (removed, or never added)", "", message.topic(),
                    message.header().handledCount(), clock.instant()));
            return;
        }
        Request request;
        try {
            request = mappers.toRequest(message, List.of(recipient.type()));
        } catch (RuntimeException e) {
            consumer.reject(message, reason("unacceptable", e, message));
            return;
        }
        try {
            recipient.callback().accept(request);
        } catch (RuntimeException | Error e) {
            // An Error too: the callback is the application's code, and this thread serves every other call and
            // recipient of the processor. The message is dead-lettered with the reason; nothing else stops.
            LOG.warn("Recipient '{}' failed on {}: {}", recipientId, message.id(), e.toString());
            consumer.reject(message, reason("handler-failed", e, message));
            return;
        }
        consumer.acknowledge(message);
    }

    private DeadLetterReason reason(String why, Throwable e, Message message) {
        return new DeadLetterReason(why, String.valueOf(e.getMessage()), e.getClass().getName(), message.topic(),
                message.header().handledCount() + 1, clock.instant());
    }

    private static void close(MessageConsumer consumer) {
        if (consumer != null) {
            try {
                consumer.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the reply consumer failed: {}", e.toString());
            }
        }
    }

    /** Stops listening; callers still waiting fail. */
    @Override
    public void close() {
        running = false;
        closed.countDown();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CourierException gone = new CourierException("The processor was closed while waiting for this reply");
        pending.values().forEach(p -> p.future().completeExceptionally(gone));
        pending.clear();
    }
}
