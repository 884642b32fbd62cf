package dev.courier.runtime;

import dev.courier.ConfigurationException;
import dev.courier.HandlerFactory;
import dev.courier.HandlerRegistry;
import dev.courier.PipelineConfigurationException;
import dev.courier.Policies;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.internal.Calls;
import dev.courier.internal.LocalHandling;
import dev.courier.internal.OutboxSender;
import dev.courier.internal.PipelineBuilder;
import dev.courier.internal.Posting;
import dev.courier.internal.ReplyListener;
import dev.courier.mapping.MessageMappers;
import dev.courier.pipeline.StepFactory;
import dev.courier.spi.Inbox;
import dev.courier.spi.NamedThreadFactory;
import dev.courier.spi.Outbox;
import dev.courier.ContextPropagator;
import dev.courier.CourierListener;
import dev.courier.internal.SafeListener;
import dev.courier.spi.Transport;
import dev.courier.store.InMemoryInbox;
import dev.courier.store.InMemoryOutbox;
import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Configures and builds a {@link CommandProcessor}; {@link CommandProcessor#builder()} makes one. */
public final class CommandProcessorBuilder {
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
    private Transport replyChannel;
    private String replyAddress;
    private final List<CourierListener> listeners = new ArrayList<>();
    private ContextPropagator propagator = ContextPropagator.NONE;

    CommandProcessorBuilder() {}

    /**
     * Carries the poster's context (a trace, baggage) in the headers of every message this processor posts, and
     * restores it around the handling of every message a Dispatcher built on it receives; see
     * {@link ContextPropagator}. Default: none.
     */
    public CommandProcessorBuilder contextPropagator(ContextPropagator propagator) {
        this.propagator = Objects.requireNonNull(propagator, "contextPropagator");
        return this;
    }

    /**
     * Tells {@code listener} every step of the messages this processor sends, posts and (through a Dispatcher built
     * on it) receives; see {@link CourierListener}. Call it again to add more: each is told, in the order added, and
     * one that throws keeps no other from being told. Default: none.
     */
    public CommandProcessorBuilder listener(CourierListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public CommandProcessorBuilder handlers(HandlerRegistry registry) {
        this.handlers = Objects.requireNonNull(registry, "handlers");
        return this;
    }

    /** Creates handlers registered by type; by default their no-argument constructor, per handling. */
    public CommandProcessorBuilder handlerFactory(HandlerFactory factory) {
        this.handlerFactory = Objects.requireNonNull(factory, "handlerFactory");
        return this;
    }

    public CommandProcessorBuilder policies(Policies value) {
        this.policies = Objects.requireNonNull(value, "policies");
        return this;
    }

    /** The inbox {@code @UseInbox} records in; an {@link InMemoryInbox} by default. */
    public CommandProcessorBuilder inbox(Inbox value) {
        this.inbox = Objects.requireNonNull(value, "inbox");
        return this;
    }

    public CommandProcessorBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /** Runs {@code sendAsync}, {@code publishAsync} and timeouts; by default a cached pool of daemon threads. */
    public CommandProcessorBuilder executor(ExecutorService value) {
        this.executor = Objects.requireNonNull(value, "executor");
        return this;
    }

    /** The request types that can be posted, with their topics and mappers. */
    public CommandProcessorBuilder mappers(MessageMappers value) {
        this.mappers = Objects.requireNonNull(value, "mappers");
        return this;
    }

    /** The producer for each posted topic; every topic in {@link #mappers} must have one. */
    public CommandProcessorBuilder producers(Producers value) {
        this.producers = Objects.requireNonNull(value, "producers");
        return this;
    }

    /** Where posted messages are stored until confirmed; a new {@link InMemoryOutbox} per build by default. */
    public CommandProcessorBuilder outbox(Outbox value) {
        this.outbox = Objects.requireNonNull(value, "outbox");
        return this;
    }

    /** How long {@code post}, {@code clearOutbox} and {@code repost} wait for the broker. Default 30 s. */
    public CommandProcessorBuilder confirmTimeout(Duration value) {
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
    public CommandProcessorBuilder replyChannel(Transport transport) {
        this.replyChannel = Objects.requireNonNull(transport, "replyChannel");
        return this;
    }

    /**
     * The reply address: a name starting with {@code courier.reply.} (replies go only to such addresses, never to a
     * topic); {@code courier.reply.<random UUID>} by default, new for every build.
     */
    public CommandProcessorBuilder replyAddress(String address) {
        Objects.requireNonNull(address, "replyAddress");
        if (!address.startsWith(Reply.ADDRESS_PREFIX) || address.length() == Reply.ADDRESS_PREFIX.length()) {
            throw new IllegalArgumentException("replyAddress must start with '" + Reply.ADDRESS_PREFIX + "' and name "
                    + "something after it, but was '" + address + "'");
        }
        this.replyAddress = address;
        return this;
    }

    /** Uses this factory for a step annotation, instead of the one its {@code @Step} names. */
    public <A extends Annotation> CommandProcessorBuilder stepFactory(Class<A> annotationType, StepFactory<A> factory) {
        Objects.requireNonNull(annotationType, "annotationType");
        stepFactories.put(annotationType, Objects.requireNonNull(factory, "factory"));
        return this;
    }

    /**
     * Builds every handler's pipeline. The builder is left as it was: building twice gives two processors that
     * share only what was handed in (a default outbox, inbox, executor and reply address are made per build).
     *
     * @throws PipelineConfigurationException naming the handler and step of the first mistake found
     */
    public CommandProcessor build() {
        Producers sending = producers.copy();
        MessageMappers mappers = this.mappers.copy();
        for (String topic : mappers.topics()) {
            if (sending.forTopic(topic) == null) {
                throw new ConfigurationException("Topic '" + topic + "' has message mappers but no producer; "
                        + "add one with Producers.add(\"" + topic + "\", producer) or Producers.of(transport)");
            }
        }
        Outbox store = outbox != null ? outbox : new InMemoryOutbox(clock, InMemoryOutbox.DEFAULT_MAX_OUTSTANDING);
        boolean ownsExecutor = executor == null;
        ExecutorService exec = ownsExecutor
                ? Executors.newCachedThreadPool(new NamedThreadFactory("courier-worker")) : executor;
        try {
            PipelineBuilder pipelines = new PipelineBuilder(stepFactories, policies,
                    inbox == null ? new InMemoryInbox(clock, Duration.ofDays(1)) : inbox, clock, exec);
            LocalHandling local = new LocalHandling(handlers, handlerFactory, pipelines);
            CourierListener safe = SafeListener.of(listeners);
            Posting posting = new Posting(mappers, store, new OutboxSender(sending, store, clock, exec, safe), clock,
                    confirmTimeout, safe, propagator);
            ReplyListener replies = replyChannel == null ? null : new ReplyListener(replyAddress != null
                    ? replyAddress : Reply.ADDRESS_PREFIX + UUID.randomUUID(), replyChannel, mappers, clock, safe);
            Calls calls = new Calls(replies, mappers, sending, clock, confirmTimeout, propagator);
            return new CommandProcessor(local, posting, calls, mappers, exec, ownsExecutor, safe, propagator);
        } catch (RuntimeException e) {
            if (ownsExecutor) {
                exec.shutdownNow();
            }
            throw e;
        }
    }
}
