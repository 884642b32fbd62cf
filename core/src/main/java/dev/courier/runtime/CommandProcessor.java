package dev.courier.runtime;

import dev.courier.AmbiguousHandlerException;
import dev.courier.Command;
import dev.courier.ConfigurationException;
import dev.courier.ContextPropagator;
import dev.courier.ContextualHandler;
import dev.courier.CourierListener;
import dev.courier.CourierException;
import dev.courier.Event;
import dev.courier.HandlerFailedException;
import dev.courier.HandlerNotFoundException;
import dev.courier.MailboxAddress;
import dev.courier.OutboxException;
import dev.courier.ProducerException;
import dev.courier.PublishFailedException;
import dev.courier.Reply;
import dev.courier.ReplyTimeoutException;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.internal.Calls;
import dev.courier.internal.LocalHandling;
import dev.courier.internal.Posting;
import dev.courier.internal.Requests;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxTransaction;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The front door of Courier, with three jobs behind it: in-process handling ({@code send}, {@code publish}),
 * posting through the outbox to a broker ({@code post}, {@code depositPost}, {@code clearOutbox}, {@code repost}),
 * and request-reply ({@code call}, {@code reply}, recipients). Built once by its {@link CommandProcessorBuilder}, which checks every
 * handler's pipeline; immutable and thread-safe afterwards.
 *
 * <pre>{@code
 * CommandProcessor processor = CommandProcessor.builder()
 *         .handlers(new HandlerRegistry().register(Greet.class, new GreetHandler()))
 *         .build();
 * processor.send(new Greet(Request.newId(), "Ada"));
 * }</pre>
 */
public final class CommandProcessor implements AutoCloseable {
    private final LocalHandling local;
    private final Posting posting;
    private final Calls calls;
    private final MessageMappers mappers;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final CourierListener listener;
    private final ContextPropagator propagator;

    CommandProcessor(LocalHandling local, Posting posting, Calls calls, MessageMappers mappers,
            ExecutorService executor, boolean ownsExecutor, CourierListener listener, ContextPropagator propagator) {
        this.listener = listener;
        this.propagator = propagator;
        this.local = local;
        this.posting = posting;
        this.calls = calls;
        this.mappers = mappers;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
    }

    public static CommandProcessorBuilder builder() {
        return new CommandProcessorBuilder();
    }

    /**
     * Runs the one handler of this command's type, in this thread. Exceptions from the handler propagate as they
     * are; a checked one arrives wrapped in {@link HandlerFailedException}.
     *
     * @throws HandlerNotFoundException  when no handler is registered for the type
     * @throws AmbiguousHandlerException when more than one is
     */
    public void send(Command command) {
        if (listener == CourierListener.NONE) {
            local.send(command, null);
        } else {
            local.timed(command, listener);
        }
    }

    /**
     * Runs every handler of this event's type, in registration order, in this thread. Every handler runs even when
     * one fails; the failures are then thrown together as a {@link PublishFailedException}. No handler is fine.
     */
    public void publish(Event event) {
        if (listener == CourierListener.NONE) {
            local.publish(event, null);
        } else {
            local.timed(event, listener);
        }
    }

    /** {@link #send(Command)} on the processor's executor. */
    public CompletionStage<Void> sendAsync(Command command) {
        Requests.require(command, "sendAsync");
        return CompletableFuture.runAsync(() -> send(command), executor);
    }

    /** {@link #publish(Event)} on the processor's executor. */
    public CompletionStage<Void> publishAsync(Event event) {
        Requests.require(event, "publishAsync");
        return CompletableFuture.runAsync(() -> publish(event), executor);
    }

    /**
     * Posts a request for another process to handle: maps it to a message, stores it in the outbox, sends it
     * through its topic's producer and marks it dispatched once the broker confirmed. Returns the message id (the
     * request's id). If sending fails or is not confirmed in time, the message stays outstanding in the outbox for
     * the {@link OutboxSweeper}, and this throws.
     *
     * @throws dev.courier.mapping.MessageMappingException when the type has no mapper or cannot be written
     * @throws ProducerException when the broker refused or did not confirm the message
     */
    public UUID post(Request request) {
        return post(request, Duration.ZERO);
    }

    /** {@link #post(Request)} for delivery no sooner than {@code delay} from now. */
    public UUID post(Request request, Duration delay) {
        return posting.post(request, delay, "post", UnaryOperator.identity());
    }

    /** {@link #post(Request)} that completes once the broker confirmed; the outbox write happens before it returns. */
    public CompletionStage<UUID> postAsync(Request request) {
        return postAsync(request, Duration.ZERO);
    }

    /** {@link #post(Request, Duration)} that completes once the broker confirmed. */
    public CompletionStage<UUID> postAsync(Request request, Duration delay) {
        return posting.postAsync(request, delay);
    }

    /** Stores a request in the outbox, in a transaction of the outbox's own, without sending it. */
    public UUID depositPost(Request request) {
        return depositPost(List.of(request), OutboxTransaction.NONE).get(0);
    }

    /**
     * Stores requests in the outbox inside {@code transaction} (the caller's own, e.g. a JDBC connection for the JDBC
     * outbox), without sending them: if that transaction rolls back, they are never sent. Send them afterwards with
     * {@link #clearOutbox(Collection)}, or leave them to the {@link OutboxSweeper}.
     */
    public List<UUID> depositPost(List<? extends Request> requests, OutboxTransaction transaction) {
        return posting.depositPost(requests, transaction);
    }

    /** Sends deposited messages and marks them dispatched once confirmed. */
    public void clearOutbox(UUID... ids) {
        clearOutbox(List.of(ids));
    }

    /**
     * Sends deposited messages and marks them dispatched once confirmed.
     *
     * @throws OutboxException   naming an id the outbox does not hold
     * @throws ProducerException when sending failed; those messages stay outstanding
     */
    public void clearOutbox(Collection<UUID> ids) {
        posting.clearOutbox(ids);
    }

    /** Sends a stored message again, dispatched or not, for example after a consumer lost it. */
    public void repost(UUID id) {
        posting.repost(id);
    }

    /**
     * Sends a request to whichever process handles it and waits for its reply. The request goes straight to the
     * broker (not through the outbox: a caller that has given up has no use for a late delivery) with this
     * processor's reply address and its id as correlation id; the caller is registered before it leaves and removed
     * on reply or timeout. A reply that arrives later is dropped and counted ({@link #droppedReplies()}).
     *
     * @throws ReplyTimeoutException  naming the request type and id when no reply came within {@code timeout}
     * @throws ConfigurationException when the processor was built without {@code replyChannel}
     * @throws ProducerException      when the broker could not route the request (nobody subscribes to its topic)
     */
    public <R extends Reply> R call(Request request, Class<R> replyType, Duration timeout) {
        return calls.call(request, replyType, timeout);
    }

    /**
     * {@link #call} without blocking: the stage fails with {@link ReplyTimeoutException} after {@code timeout}. It
     * completes on the thread that received the reply (on RabbitMQ, the reply consumer's listener thread): chain slow work
     * with the {@code ...Async} methods of {@link CompletionStage}.
     */
    public <R extends Reply> CompletionStage<R> callAsync(Request request, Class<R> replyType, Duration timeout) {
        return calls.callAsync(request, replyType, timeout);
    }

    /**
     * Sends a reply to the request of the handling whose context this is: to its reply-to address, with its
     * recipient, if it had one. Call it from a {@link ContextualHandler} of a request sent with {@link #call} or
     * {@link #postFor}.
     *
     * @throws CourierException when that request did not arrive as a message, or its message has no reply-to address
     */
    public void reply(Reply reply, RequestContext context) {
        Requests.require(reply, "reply");
        Objects.requireNonNull(context, "context");
        Message origin = context.message().orElseThrow(() -> new CourierException("reply("
                + reply.getClass().getSimpleName() + "): the request being handled did not arrive as a message"
                + " (it was sent in-process), so there is nowhere to reply to"));
        calls.reply(reply, origin);
    }

    /** Sends a reply to the request that arrived as {@code origin}. */
    public void reply(Reply reply, Message origin) {
        calls.reply(reply, origin);
    }

    /**
     * Registers a recipient on this processor's reply address: messages sent there for {@code recipientId} (replies
     * to requests posted with {@link #postFor}) go to {@code callback}, on the reply thread. Remove it with
     * {@link #removeRecipient}; messages for it that arrive afterwards are dead-lettered with the reason.
     */
    public <T extends Request> void addRecipient(String recipientId, Class<T> type, Consumer<? super T> callback) {
        calls.addRecipient(recipientId, type, callback);
    }

    /** Removes a recipient; returns false if it was not registered. */
    public boolean removeRecipient(String recipientId) {
        return calls.removeRecipient(recipientId);
    }

    /**
     * Posts a request, through the outbox, whose handler's {@link #reply} goes to the recipient {@code recipientId}
     * registered on this processor. Returns the message id.
     */
    public UUID postFor(String recipientId, Request request) {
        Objects.requireNonNull(recipientId, "recipientId");
        return posting.post(request, Duration.ZERO, "postFor", message -> calls.addressedFor(recipientId, message));
    }

    /**
     * Posts a request through the outbox to the mailbox {@code to}, where {@link Mailboxes} keeps it for its recipient;
     * returns the message id. Inside a transaction the outbox joins it is sent after the commit, never on a rollback.
     */
    public UUID enqueue(MailboxAddress to, Request request) {
        return posting.post(request, Duration.ZERO, "enqueue", Objects.requireNonNull(to, "to")::address);
    }

    /** Replies that arrived after their caller had timed out or gone. */
    public long droppedReplies() {
        return calls.droppedReplies();
    }

    /** This processor's reply-to address, when it was built with a reply channel. */
    public Optional<String> replyAddress() {
        return calls.replyAddress();
    }

    /** The mappers this processor posts with; a {@link Dispatcher} maps inbound messages with them by default. */
    public MessageMappers mappers() {
        return mappers;
    }

    /** Whether a handler is registered for this request type. */
    public boolean handles(Class<? extends Request> requestType) {
        return local.handles(requestType);
    }

    /** In-process handling, which a {@link Dispatcher}'s pumps hand every received message to. */
    LocalHandling localHandling() {
        return local;
    }

    /** The listener a Dispatcher built on this processor reports to (already safe to call). */
    CourierListener listener() {
        return listener;
    }

    /** The propagator a Dispatcher built on this processor restores contexts with. */
    ContextPropagator propagator() {
        return propagator;
    }

    /** Stops the reply listener and shuts down the executor the processor made (not one handed to the builder). */
    @Override
    public void close() {
        calls.close();
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }
}