package dev.courier.micrometer;

import dev.courier.CourierListener;
import dev.courier.Request;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.Outbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link CourierListener} that records Courier's metrics in a Micrometer {@link MeterRegistry}. Register it on the
 * processor ({@code CommandProcessor.builder().listener(metrics)}, which its Dispatcher uses too) and on the sweeper
 * ({@code OutboxSweeper.builder(...).listener(metrics)}). Every tag has few values (topics, channels, outcomes,
 * dead-letter reasons, request class names), never a message id. Names and tags are listed in
 * docs/observability.md; {@link #OUTBOX_MESSAGES} and the other constants name them.
 */
public final class CourierMetrics implements CourierListener {
    /** Counter, tags {@code topic}, {@code event}: deposited, dispatched, not-dispatched. */
    public static final String OUTBOX_MESSAGES = "courier.outbox.messages";
    /** Gauge: messages outstanding in the outbox (with {@link Builder#outbox}). */
    public static final String OUTBOX_OUTSTANDING = "courier.outbox.outstanding";
    /** Gauge, seconds: how long ago the oldest outstanding message (not parked) was stored; 0 when none is. */
    public static final String OUTBOX_OLDEST_AGE = "courier.outbox.oldest.age";
    /** Counter, tags {@code channel}, {@code event}: received, unacceptable, acknowledged, requeued, dead-lettered. */
    public static final String CONSUMER_MESSAGES = "courier.consumer.messages";
    /** Counter, tags {@code channel}, {@code reason} (handler-failed, rejected, unacceptable, ...). */
    public static final String DEAD_LETTERS = "courier.consumer.dead-letters";
    /** Gauge, tag {@code channel}: messages received and not yet settled. */
    public static final String IN_FLIGHT = "courier.consumer.in-flight";
    /** Timer, tags {@code channel}, {@code outcome} (success, failure): the handlers of a received message. */
    public static final String HANDLING = "courier.handling";
    /** Timer, tag {@code channel}: from the message's timestamp (its post) to the end of a successful handling. */
    public static final String END_TO_END = "courier.end-to-end";
    /** Timer, tags {@code type} (the request's simple class name), {@code outcome}: {@code send} / {@code publish}. */
    public static final String IN_PROCESS = "courier.in-process.handling";
    /** Counter, tag {@code channel}: a performer could not receive (see {@code ChannelState.Status.FAILING}). */
    public static final String CHANNEL_FAILURES = "courier.channel.failures";
    /** Counter: sweeper passes. */
    public static final String SWEEPS = "courier.sweeper.passes";
    /** Counter, tag {@code outcome} (sent, failed): messages a sweeper sent or could not send. */
    public static final String SWEPT = "courier.sweeper.messages";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final Map<String, ChannelMeters> channels = new ConcurrentHashMap<>();
    private final ClassValue<Timer[]> inProcess = new ClassValue<>() {
        @Override
        protected Timer[] computeValue(Class<?> type) {
            String name = type.getSimpleName();
            return new Timer[] {timer(IN_PROCESS, "type", name, "outcome", "success"),
                timer(IN_PROCESS, "type", name, "outcome", "failure")};
        }
    };
    private final Counter sweeps;
    private final Counter swept;
    private final Counter sweepFailed;

    private CourierMetrics(Builder builder) {
        this.registry = builder.registry;
        this.clock = builder.clock;
        this.sweeps = Counter.builder(SWEEPS).register(registry);
        this.swept = Counter.builder(SWEPT).tag("outcome", "sent").register(registry);
        this.sweepFailed = Counter.builder(SWEPT).tag("outcome", "failed").register(registry);
        if (builder.outbox != null) {
            Outbox outbox = builder.outbox;
            Gauge.builder(OUTBOX_OUTSTANDING, outbox, CourierMetrics::outstanding)
                    .description("messages outstanding in the outbox").register(registry);
            Gauge.builder(OUTBOX_OLDEST_AGE, outbox, this::oldestAge).baseUnit("seconds")
                    .description("how long ago the oldest outstanding message was stored").register(registry);
        }
    }

    /** Metrics in {@code registry}; see {@link Builder} for the options. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /** Metrics in {@code registry}, with the system clock and no outbox gauge. */
    public static CourierMetrics of(MeterRegistry registry) {
        return builder(registry).build();
    }

    private static double outstanding(Outbox outbox) {
        try {
            return outbox.outstandingCount();
        } catch (RuntimeException e) {
            return Double.NaN; // the store does not answer: no figure rather than a wrong one
        }
    }

    private double oldestAge(Outbox outbox) {
        try {
            return outbox.oldestOutstanding().map(oldest -> Math.max(0, clock.millis() - oldest.toEpochMilli()) / 1000.0)
                    .orElse(0.0);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void handledInProcess(Request request, long nanos, Throwable failure) {
        inProcess.get(request.getClass())[failure == null ? 0 : 1].record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void deposited(Message message) {
        topic(message).deposited.increment();
    }

    @Override
    public void dispatched(Message message) {
        topic(message).dispatched.increment();
    }

    @Override
    public void notDispatched(Message message, Throwable cause) {
        topic(message).notDispatched.increment();
    }

    @Override
    public void received(String channel, Message message) {
        ChannelMeters meters = channel(channel);
        meters.inFlight.incrementAndGet();
        meters.received.increment();
    }

    @Override
    public void unacceptable(String channel, Message message, Throwable cause) {
        channel(channel).unacceptable.increment();
    }

    @Override
    public void handled(String channel, Message message, long nanos, Throwable failure) {
        ChannelMeters meters = channel(channel);
        (failure == null ? meters.handledOk : meters.handledFailed).record(nanos, TimeUnit.NANOSECONDS);
        if (failure == null) {
            long millis = clock.millis() - message.header().timestamp().toEpochMilli();
            if (millis >= 0) { // a sender's clock ahead of ours gives no figure rather than a wrong one
                meters.endToEnd.record(millis, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void acknowledged(String channel, Message message) {
        settled(channel).acknowledged.increment();
    }

    @Override
    public void requeued(String channel, Message message, Duration delay, int attempts) {
        settled(channel).requeued.increment();
    }

    @Override
    public void deadLettered(String channel, Message message, DeadLetterReason reason) {
        settled(channel).deadLettered.increment();
        counter(DEAD_LETTERS, "channel", channel, "reason", reason.reason()).increment();
    }

    @Override
    public void channelFailing(String channel, String reason) {
        channel(channel).failures.increment();
    }

    @Override
    public void swept(int sent, int failed) {
        sweeps.increment();
        swept.increment(sent);
        sweepFailed.increment(failed);
    }

    private TopicMeters topic(Message message) {
        TopicMeters meters = topics.get(message.topic());
        return meters != null ? meters : topics.computeIfAbsent(message.topic(), TopicMeters::new);
    }

    private ChannelMeters channel(String channel) {
        ChannelMeters meters = channels.get(channel);
        return meters != null ? meters : channels.computeIfAbsent(channel, ChannelMeters::new);
    }

    private ChannelMeters settled(String channel) {
        ChannelMeters meters = channel(channel);
        meters.inFlight.updateAndGet(n -> Math.max(0, n - 1));
        return meters;
    }

    private Counter counter(String name, String k1, String v1, String k2, String v2) {
        return Counter.builder(name).tags(k1, v1, k2, v2).register(registry); // the registry keeps one per name+tags
    }

    private Timer timer(String name, String k1, String v1, String k2, String v2) {
        return Timer.builder(name).tags(k1, v1, k2, v2).register(registry);
    }

    /** A topic's meters, registered when the topic is first seen: no lookup by name and tags per message. */
    private final class TopicMeters {
        final Counter deposited;
        final Counter dispatched;
        final Counter notDispatched;

        TopicMeters(String topic) {
            deposited = counter(OUTBOX_MESSAGES, "topic", topic, "event", "deposited");
            dispatched = counter(OUTBOX_MESSAGES, "topic", topic, "event", "dispatched");
            notDispatched = counter(OUTBOX_MESSAGES, "topic", topic, "event", "not-dispatched");
        }
    }

    /** A channel's meters, registered when the channel is first seen. */
    private final class ChannelMeters {
        final AtomicLong inFlight;
        final Counter received;
        final Counter unacceptable;
        final Counter acknowledged;
        final Counter requeued;
        final Counter deadLettered;
        final Counter failures;
        final Timer handledOk;
        final Timer handledFailed;
        final Timer endToEnd;

        ChannelMeters(String channel) {
            inFlight = registry.gauge(IN_FLIGHT, Tags.of("channel", channel), new AtomicLong());
            received = counter(CONSUMER_MESSAGES, "channel", channel, "event", "received");
            unacceptable = counter(CONSUMER_MESSAGES, "channel", channel, "event", "unacceptable");
            acknowledged = counter(CONSUMER_MESSAGES, "channel", channel, "event", "acknowledged");
            requeued = counter(CONSUMER_MESSAGES, "channel", channel, "event", "requeued");
            deadLettered = counter(CONSUMER_MESSAGES, "channel", channel, "event", "dead-lettered");
            failures = Counter.builder(CHANNEL_FAILURES).tag("channel", channel).register(registry);
            handledOk = timer(HANDLING, "channel", channel, "outcome", "success");
            handledFailed = timer(HANDLING, "channel", channel, "outcome", "failure");
            endToEnd = Timer.builder(END_TO_END).tag("channel", channel).register(registry);
        }
    }

    /** Options of {@link CourierMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Clock clock = Clock.systemUTC();
        private Outbox outbox;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Adds the {@link #OUTBOX_OUTSTANDING} and {@link #OUTBOX_OLDEST_AGE} gauges over this outbox (asked on every scrape). */
        public Builder outbox(Outbox value) {
            outbox = Objects.requireNonNull(value, "outbox");
            return this;
        }

        /** The clock end-to-end times are measured with; default the system's (UTC). */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public CourierMetrics build() {
            return new CourierMetrics(this);
        }
    }
}
