package dev.courier;

import dev.courier.internal.HandlerBinding;
import dev.courier.internal.NamedThreadFactory;
import dev.courier.internal.PipelineBuilder;
import dev.courier.internal.OutboxSender;
import dev.courier.internal.ReplyListener;
import dev.courier.message.MessageHeader;
import dev.courier.message.Message;
import dev.courier.message.MessageMappers;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxTransaction;
import dev.courier.store.InMemoryOutbox;
import java.time.Duration;
import java.util.Collection;
import java.util.UUID;
import dev.courier.pipeline.StepFactory;
import dev.courier.spi.Inbox;
import dev.courier.store.InMemoryInbox;
import java.lang.annotation.Annotation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends commands to their one handler and publishes events to all of theirs, each through the handler's pipeline.
 * Built once, immutable and thread-safe; every pipeline is built and checked by {@link Builder#build()}.
 *
 * <pre>{@code
 * CommandProcessor processor = CommandProcessor.builder()
 *         .handlers(new HandlerRegistry().register(Greet.class, new GreetHandler()))
 *         .build();
 * processor.send(new Greet(Request.newId(), "Ada"));
 * }</pre>
 */
public final class CommandProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandProcessor.class);
    private static final HandlerBinding[] NONE = new HandlerBinding[0];

    private final Map<Class<?>, HandlerBinding[]> bindings;
    private final HandlerFactory handlerFactory;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final MessageMappers mappers;
    private final Outbox outbox;
    private final OutboxSender sender;
    private final Clock clock;
    private final Duration confirmTimeout;
    private final Producers producers;
    private final ReplyListener replies;

    private CommandProcessor(Builder builder, Map<Class<?>, HandlerBinding[]> bindings, ExecutorService executor,
            boolean ownsExecutor) {
        this.bindings = bindings;
        this.handlerFactory = builder.handlerFactory;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
        this.mappers = builder.mappers;
        this.outbox = builder.outbox;
        this.clock = builder.clock;
        this.confirmTimeout = builder.confirmTimeout;
        this.producers = builder.producers.copy();
        this.sender = new OutboxSender(producers, outbox, clock, executor);
        this.replies = builder.replyChannel == null ? null
                : new ReplyListener(builder.replyAddress, builder.replyChannel, mappers, clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the one handler of this command's type, in this thread. Exceptions from the handler propagate as they
     * are; a checked one arrives wrapped in {@link HandlerFailedException}.
     *
     * @throws HandlerNotFoundException   when no handler is registered for the type
     * @throws AmbiguousHandlerException when more than one is
     */
    public void send(Command command) {
        send(command, null);
    }

    /** {@link #send(Command)} for a command that arrived as {@code message}, which its context then carries. */
    public void send(Command command, Message message) {
        HandlerBinding[] found = bindingsFor(command, "send");
        if (found.length == 0) {
            throw new HandlerNotFoundException(command.getClass());
        }
        if (found.length > 1) {
            List<Class<?>> types = new ArrayList<>();
            for (HandlerBinding b : found) {
                types.add(b.handlerType());
            }
            throw new AmbiguousHandlerException(command.getClass(), types);
        }
        handle(found[0], command, message);
    }

    /**
     * Runs every handler of this event's type, in registration order, in this thread. Every handler runs even when
     * one fails; the failures are then thrown together as a {@link PublishFailedException}. No handler is fine.
     */
    public void publish(Event event) {
        publish(event, null);
    }

    /** {@link #publish(Event)} for an event that arrived as {@code message}, which each context then carries. */
    public void publish(Event event, Message message) {
        HandlerBinding[] found = bindingsFor(event, "publish");
        List<Throwable> failures = null;
        for (HandlerBinding binding : found) {
            try {
                handle(binding, event, message);
            } catch (RuntimeException | Error e) {
                if (failures == null) {
                    failures = new ArrayList<>();
                }
                failures.add(e);
            }
        }
        if (failures != null) {
            throw new PublishFailedException(event.getClass(), found.length, failures);
        }
    }

    /** {@link #send(Command)} on the processor's executor. */
    public CompletionStage<Void> sendAsync(Command command) {
        requireRequest(command, "sendAsync");
        return CompletableFuture.runAsync(() -> send(command), executor);
    }

    /** {@link #publish(Event)} on the processor's executor. */
    public CompletionStage<Void> publishAsync(Event event) {
        requireRequest(event, "publishAsync");
        return CompletableFuture.runAsync(() -> publish(event), executor);
    }

    /**
     * Posts a request for another process to handle: maps it to a message, stores it in the outbox, sends it
     * through its topic's producer and marks it dispatched once the broker confirmed. Returns the message id (the
     * request's id). If sending fails or is not confirmed in time, the message stays outstanding in the outbox for
     * the {@link OutboxSweeper}, and this throws.
     *
     * @throws dev.courier.message.MessageMappingException when the type has no mapper or cannot be written
     * @throws ProducerException when the broker refused or did not confirm the message
     */
    public UUID post(Request request) {
        return post(request, Duration.ZERO);
    }

    /** {@link #post(Request)} for delivery no sooner than {@code delay} from now. */
    public UUID post(Request request, Duration delay) {
        Message message = deposit(request, delay, "post");
        sender.sendAndWait(List.of(message), confirmTimeout,
                () -> request.getClass().getSimpleName() + " " + request.id());
        return message.id();
    }

    /** {@link #post(Request)} that completes once the broker confirmed; the outbox write happens before it returns. */
    public CompletionStage<UUID> postAsync(Request request) {
        return postAsync(request, Duration.ZERO);
    }

    /** {@link #post(Request, Duration)} that completes once the broker confirmed. */
    public CompletionStage<UUID> postAsync(Request request, Duration delay) {
        Message message = deposit(request, delay, "postAsync");
        return sender.send(List.of(message)).thenApply(ids -> message.id());
    }

    /** Maps a request to be posted and stores it in the outbox, in a transaction of the outbox's own. */
    private Message deposit(Request request, Duration delay, String operation) {
        requireRequest(request, operation);
        Objects.requireNonNull(delay, "delay");
        Message message = mappers.toMessage(request, delay, clock);
        outbox.add(List.of(message), OutboxTransaction.NONE);
        return message;
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
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(transaction, "transaction");
        List<Message> messages = new ArrayList<>(requests.size());
        for (Request request : requests) {
            requireRequest(request, "depositPost");
            messages.add(mappers.toMessage(request, Duration.ZERO, clock));
        }
        outbox.add(messages, transaction);
        return messages.stream().map(Message::id).toList();
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
        Objects.requireNonNull(ids, "ids");
        List<Message> messages = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            messages.add(stored(id, "clearOutbox"));
        }
        sender.sendAndWait(messages, confirmTimeout, () -> messages.size() + " message(s)");
    }

    /** Sends a stored message again, dispatched or not, for example after a consumer lost it. */
    public void repost(UUID id) {
        Message message = stored(id, "repost");
        sender.sendAndWait(List.of(message), confirmTimeout, () -> "message " + id);
    }

    private Message stored(UUID id, String operation) {
        Objects.requireNonNull(id, operation + " id");
        return outbox.get(id).orElseThrow(() -> new OutboxException(operation + "(" + id
                + "): the outbox holds no message with this id"));
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
        requireRequest(request, "call");
        ReplyListener listener = replyListener("call");
        // The caller's own thread waits with the timeout: no timer task per call, no extra stage to complete.
        CompletableFuture<Reply> reply = startCall(listener, request, replyType, timeout);
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
            throw dev.courier.internal.Sneaky.rethrow(unwrap(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CourierException("Interrupted waiting for the reply to " + request.id(), e);
        } finally {
            listener.forget(request.id());
        }
    }

    /**
     * {@link #call} without blocking: the stage fails with {@link ReplyTimeoutException} after {@code timeout}. It
     * completes on the thread that received the reply (on RabbitMQ, the client's delivery thread): chain slow work
     * with the {@code ...Async} methods of {@link CompletionStage}.
     */
    public <R extends Reply> CompletionStage<R> callAsync(Request request, Class<R> replyType, Duration timeout) {
        requireRequest(request, "callAsync");
        ReplyListener listener = replyListener("call");
        CompletableFuture<Reply> reply = startCall(listener, request, replyType, timeout);
        CompletableFuture<R> result = new CompletableFuture<>();
        reply.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((r, failure) -> {
            listener.forget(request.id());
            if (failure == null) {
                result.complete(replyType.cast(r));
            } else {
                Throwable cause = unwrap(failure);
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
    private CompletableFuture<Reply> startCall(ReplyListener listener, Request request, Class<? extends Reply> replyType,
            Duration timeout) {
        Objects.requireNonNull(replyType, "replyType");
        Objects.requireNonNull(timeout, "timeout");
        mappers.registration(replyType);
        CompletableFuture<Reply> reply = listener.expect(request.id(), replyType);
        try {
            Message message = mappers.toMessage(request, Duration.ZERO, clock);
            message = message.withHeader(message.header().toBuilder().replyTo(listener.address())
                    .correlationId(request.id()).build());
            sendDirect(message, false).whenComplete((ok, failure) -> {
                if (failure != null) {
                    reply.completeExceptionally(unwrap(failure));
                }
            });
        } catch (RuntimeException e) {
            listener.forget(request.id());
            throw e;
        }
        return reply;
    }

    /**
     * Sends a reply to the request of the handling whose context this is: to its reply-to address, with its
     * recipient, if it had one. Call it from a {@link ContextualHandler} of a request sent with {@link #call} or
     * {@link #postFor}.
     *
     * @throws CourierException when that request did not arrive as a message, or its message has no reply-to address
     */
    public void reply(Reply reply, RequestContext context) {
        requireRequest(reply, "reply");
        Objects.requireNonNull(context, "context");
        Message origin = context.message().orElseThrow(() -> new CourierException("reply("
                + reply.getClass().getSimpleName() + "): the request being handled did not arrive as a message"
                + " (it was sent in-process), so there is nowhere to reply to"));
        reply(reply, origin);
    }

    /** Sends a reply to the request that arrived as {@code origin}. */
    public void reply(Reply reply, Message origin) {
        requireRequest(reply, "reply");
        String replyTo = origin.header().replyTo();
        if (replyTo == null || replyTo.isBlank()) {
            throw new CourierException("reply(" + reply.getClass().getSimpleName() + "): message " + origin.id()
                    + " on topic '" + origin.topic() + "' has no reply-to address; send it with call() or postFor()");
        }
        Message message = mappers.toMessage(reply, Duration.ZERO, clock);
        MessageHeader.Builder header = message.header().toBuilder().topic(replyTo);
        String recipient = origin.header().bag().get(MessageMappers.RECIPIENT_HEADER);
        if (recipient != null) {
            Map<String, String> bag = new HashMap<>(message.header().bag());
            bag.put(MessageMappers.RECIPIENT_HEADER, recipient);
            header.bag(bag);
        }
        if (recipient != null) {
            // A recipient may wait for this much longer than any call: make sure the broker has it.
            OutboxSender.await(sendDirect(message.withHeader(header.build()), false), confirmTimeout,
                    () -> "reply " + reply.id());
            return;
        }
        // A reply to a call is not confirmed: a failure known at once is thrown; a later one (a reply queue gone) is
        // only logged. The caller has its timeout, and this saves the handler a round trip to the broker.
        CompletableFuture<Void> sent = sendDirect(message.withHeader(header.build()), true);
        if (sent.isCompletedExceptionally()) {
            OutboxSender.await(sent, confirmTimeout, () -> "reply " + reply.id());
        }
        sent.whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warn("Reply {} to {} (correlation {}) was not confirmed by the broker: {}", reply.id(), replyTo,
                        reply.correlationId(), unwrap(failure).toString());
            }
        });
    }

    /**
     * Registers a recipient on this processor's reply address: messages sent there for {@code recipientId} (replies
     * to requests posted with {@link #postFor}) go to {@code callback}, on the reply thread. Remove it with
     * {@link #removeRecipient}; messages for it that arrive afterwards are dead-lettered with the reason.
     */
    public <T extends Request> void addRecipient(String recipientId, Class<T> type, java.util.function.Consumer<? super T> callback) {
        Objects.requireNonNull(recipientId, "recipientId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(callback, "callback");
        mappers.registration(type);
        replyListener("addRecipient").addRecipient(recipientId, type, callback);
    }

    /** Removes a recipient; returns false if it was not registered. */
    public boolean removeRecipient(String recipientId) {
        return replyListener("removeRecipient").removeRecipient(Objects.requireNonNull(recipientId, "recipientId"));
    }

    /**
     * Posts a request, through the outbox, whose handler's {@link #reply} goes to the recipient {@code recipientId}
     * registered on this processor. Returns the message id.
     */
    public UUID postFor(String recipientId, Request request) {
        Objects.requireNonNull(recipientId, "recipientId");
        requireRequest(request, "postFor");
        ReplyListener listener = replyListener("postFor");
        Message message = mappers.toMessage(request, Duration.ZERO, clock);
        Map<String, String> bag = new HashMap<>(message.header().bag());
        bag.put(MessageMappers.RECIPIENT_HEADER, recipientId);
        message = message.withHeader(message.header().toBuilder().replyTo(listener.address()).bag(bag).build());
        outbox.add(List.of(message), OutboxTransaction.NONE);
        UUID id = message.id();
        sender.sendAndWait(List.of(message), confirmTimeout, () -> "message " + id);
        return id;
    }

    /** Replies that arrived after their caller had timed out or gone. */
    public long droppedReplies() {
        return replies == null ? 0 : replies.droppedReplies();
    }

    /** This processor's reply-to address, when it was built with a reply channel. */
    public java.util.Optional<String> replyAddress() {
        return replies == null ? java.util.Optional.empty() : java.util.Optional.of(replies.address());
    }

    private ReplyListener replyListener(String operation) {
        if (replies == null) {
            throw new ConfigurationException(operation + "() needs a reply address: build the processor with "
                    + "replyChannel(transport)");
        }
        return replies;
    }

    private CompletableFuture<Void> sendDirect(Message message, boolean unconfirmed) {
        dev.courier.spi.MessageProducer producer = producers.forTopic(message.topic());
        if (producer == null) {
            return CompletableFuture.failedFuture(new ProducerException("No producer for topic '" + message.topic()
                    + "' (message " + message.id() + ")"));
        }
        try {
            return unconfirmed ? producer.sendUnconfirmed(message) : producer.send(message);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The mappers this processor posts with; a {@link Dispatcher} maps inbound messages with them by default. */
    public MessageMappers mappers() {
        return mappers;
    }

    /** Whether a handler is registered for this request type. */
    public boolean handles(Class<? extends Request> requestType) {
        return bindings.containsKey(requestType);
    }

    /** Shuts down the executor the processor made for itself (not one handed to the builder). */
    @Override
    public void close() {
        if (replies != null) {
            replies.close();
        }
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    private HandlerBinding[] bindingsFor(Request request, String operation) {
        requireRequest(request, operation);
        HandlerBinding[] found = bindings.get(request.getClass());
        return found == null ? NONE : found;
    }

    private static void requireRequest(Request request, String operation) {
        if (request == null) {
            throw new InvalidRequestException(operation + "(null): the request must not be null");
        }
        if (request.id() == null) {
            throw new InvalidRequestException(operation + "(" + request.getClass().getName()
                    + "): the request has no id");
        }
    }

    private void handle(HandlerBinding binding, Request request, Message message) {
        RequestHandler<?> handler = binding.acquire(handlerFactory);
        try {
            binding.pipeline().proceed(request, RequestContext.of(handler, message));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new HandlerFailedException(request.getClass(), binding.handlerType(), e);
        } finally {
            binding.release(handlerFactory, handler);
        }
    }

    /** Configures and builds a {@link CommandProcessor}. */
    public static final class Builder {
        private HandlerRegistry handlers = new HandlerRegistry();
        private HandlerFactory handlerFactory = HandlerFactory.reflective();
        private Policies policies = Policies.NONE;
        private Inbox inbox;
        private Clock clock = Clock.systemUTC();
        private ExecutorService executor;
        private final Map<Class<? extends Annotation>, StepFactory<?>> stepFactories = new HashMap<>();
        private MessageMappers mappers = new MessageMappers();
        private Producers producers = new Producers();
        private Outbox outbox;
        private Duration confirmTimeout = Duration.ofSeconds(30);
        private dev.courier.spi.ChannelFactory replyChannel;
        private String replyAddress = Reply.ADDRESS_PREFIX + UUID.randomUUID();

        private Builder() {}

        public Builder handlers(HandlerRegistry registry) {
            this.handlers = Objects.requireNonNull(registry, "handlers");
            return this;
        }

        /** Creates handlers registered by type; by default their no-argument constructor, per handling. */
        public Builder handlerFactory(HandlerFactory factory) {
            this.handlerFactory = Objects.requireNonNull(factory, "handlerFactory");
            return this;
        }

        public Builder policies(Policies value) {
            this.policies = Objects.requireNonNull(value, "policies");
            return this;
        }

        /** The inbox {@link UseInbox} records in; an {@link InMemoryInbox} by default. */
        public Builder inbox(Inbox value) {
            this.inbox = Objects.requireNonNull(value, "inbox");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Runs {@code sendAsync}, {@code publishAsync} and timeouts; by default a cached pool of daemon threads. */
        public Builder executor(ExecutorService value) {
            this.executor = Objects.requireNonNull(value, "executor");
            return this;
        }

        /** The request types that can be posted, with their topics and mappers. */
        public Builder mappers(MessageMappers value) {
            this.mappers = Objects.requireNonNull(value, "mappers");
            return this;
        }

        /** The producer for each posted topic; every topic in {@link #mappers} must have one. */
        public Builder producers(Producers value) {
            this.producers = Objects.requireNonNull(value, "producers");
            return this;
        }

        /** Where posted messages are stored until confirmed; an {@link InMemoryOutbox} by default. */
        public Builder outbox(Outbox value) {
            this.outbox = Objects.requireNonNull(value, "outbox");
            return this;
        }

        /** How long {@code post}, {@code clearOutbox} and {@code repost} wait for the broker. Default 30 s. */
        public Builder confirmTimeout(Duration value) {
            Objects.requireNonNull(value, "confirmTimeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("confirmTimeout must be positive but was " + value);
            }
            this.confirmTimeout = value;
            return this;
        }

        /**
         * Gives the processor a reply address on this transport, for {@code call}, {@code postFor} and recipients:
         * one channel per processor instance, read by one thread that all concurrent calls share.
         */
        public Builder replyChannel(dev.courier.spi.ChannelFactory transport) {
            this.replyChannel = Objects.requireNonNull(transport, "replyChannel");
            return this;
        }

        /** The reply address (a topic); {@code courier.reply.<random UUID>} by default, unique per instance. */
        public Builder replyAddress(String address) {
            Objects.requireNonNull(address, "replyAddress");
            if (address.isBlank()) {
                throw new IllegalArgumentException("replyAddress must not be blank");
            }
            this.replyAddress = address;
            return this;
        }

        /** Uses this factory for a step annotation, instead of the one its {@code @Step} names. */
        public <A extends Annotation> Builder stepFactory(Class<A> annotationType, StepFactory<A> factory) {
            Objects.requireNonNull(annotationType, "annotationType");
            stepFactories.put(annotationType, Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * Builds every handler's pipeline.
         *
         * @throws PipelineConfigurationException naming the handler and step of the first mistake found
         */
        public CommandProcessor build() {
            for (String topic : mappers.topics()) {
                if (producers.forTopic(topic) == null) {
                    throw new ConfigurationException("Topic '" + topic + "' has message mappers but no producer; "
                            + "add one with Producers.add(\"" + topic + "\", producer) or Producers.of(producer)");
                }
            }
            if (outbox == null) {
                outbox = new InMemoryOutbox(clock, InMemoryOutbox.DEFAULT_MAX_OUTSTANDING);
            }
            boolean ownsExecutor = executor == null;
            ExecutorService exec = ownsExecutor
                    ? Executors.newCachedThreadPool(new NamedThreadFactory("courier-worker")) : executor;
            try {
                PipelineBuilder pipelines = new PipelineBuilder(stepFactories, policies,
                        inbox == null ? new InMemoryInbox(clock, Duration.ofDays(1)) : inbox, clock, exec);
                Map<Class<?>, HandlerBinding[]> bindings = new LinkedHashMap<>();
                handlers.registrations().forEach((type, registrations) -> bindings.put(type,
                        registrations.stream().map(r -> new HandlerBinding(r, pipelines.build(r.handlerType(), type)))
                                .toArray(HandlerBinding[]::new)));
                return new CommandProcessor(this, Map.copyOf(bindings), exec, ownsExecutor);
            } catch (RuntimeException e) {
                if (ownsExecutor) {
                    exec.shutdownNow();
                }
                throw e;
            }
        }
    }
}
