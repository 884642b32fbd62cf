package dev.courier.micrometer;

import dev.courier.CourierListener;
import dev.courier.Request;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.Outbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

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
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();

    private CourierMetrics(Builder builder) {
        this.registry = builder.registry;
        this.clock = builder.clock;
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
        timer(IN_PROCESS, "type", request.getClass().getSimpleName(), "outcome", outcome(failure))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void deposited(Message message) {
        counter(OUTBOX_MESSAGES, "topic", message.topic(), "event", "deposited").increment();
    }

    @Override
    public void dispatched(Message message) {
        counter(OUTBOX_MESSAGES, "topic", message.topic(), "event", "dispatched").increment();
    }

    @Override
    public void notDispatched(Message message, Throwable cause) {
        counter(OUTBOX_MESSAGES, "topic", message.topic(), "event", "not-dispatched").increment();
    }

    @Override
    public void received(String channel, Message message) {
        inFlight(channel).incrementAndGet();
        consumed(channel, "received");
    }

    @Override
    public void unacceptable(String channel, Message message, Throwable cause) {
        consumed(channel, "unacceptable");
    }

    @Override
    public void handled(String channel, Message message, long nanos, Throwable failure) {
        timer(HANDLING, "channel", channel, "outcome", outcome(failure)).record(nanos, TimeUnit.NANOSECONDS);
        if (failure == null) {
            long millis = clock.millis() - message.header().timestamp().toEpochMilli();
            if (millis >= 0) { // a sender's clock ahead of ours gives no figure rather than a wrong one
                timer(END_TO_END, "channel", channel, null, null).record(millis, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void acknowledged(String channel, Message message) {
        settled(channel, "acknowledged");
    }

    @Override
    public void requeued(String channel, Message message, Duration delay, int attempts) {
        settled(channel, "requeued");
    }

    @Override
    public void deadLettered(String channel, Message message, DeadLetterReason reason) {
        settled(channel, "dead-lettered");
        counter(DEAD_LETTERS, "channel", channel, "reason", reason.reason()).increment();
    }

    @Override
    public void channelFailing(String channel, String reason) {
        counter(CHANNEL_FAILURES, "channel", channel, null, null).increment();
    }

    @Override
    public void swept(int sent, int failed) {
        counter(SWEEPS, null, null, null, null).increment();
        counter(SWEPT, "outcome", "sent", null, null).increment(sent);
        counter(SWEPT, "outcome", "failed", null, null).increment(failed);
    }

    private void consumed(String channel, String event) {
        counter(CONSUMER_MESSAGES, "channel", channel, "event", event).increment();
    }

    private void settled(String channel, String event) {
        inFlight(channel).updateAndGet(n -> Math.max(0, n - 1));
        consumed(channel, event);
    }

    private AtomicLong inFlight(String channel) {
        return inFlight.computeIfAbsent(channel, c -> registry.gauge(IN_FLIGHT,
                io.micrometer.core.instrument.Tags.of("channel", c), new AtomicLong()));
    }

    private static String outcome(Throwable failure) {
        return failure == null ? "success" : "failure";
    }

    private Counter counter(String name, String k1, String v1, String k2, String v2) {
        return meter(counters, name, k1, v1, k2, v2, () -> Counter.builder(name).tags(tags(k1, v1, k2, v2))
                .register(registry));
    }

    private Timer timer(String name, String k1, String v1, String k2, String v2) {
        return meter(timers, name, k1, v1, k2, v2, () -> Timer.builder(name).tags(tags(k1, v1, k2, v2))
                .register(registry));
    }

    private static <M> M meter(Map<String, M> cache, String name, String k1, String v1, String k2, String v2,
            Supplier<M> make) {
        String key = name + '\u0000' + v1 + '\u0000' + v2;
        M meter = cache.get(key);
        return meter != null ? meter : cache.computeIfAbsent(key, k -> make.get());
    }

    private static String[] tags(String k1, String v1, String k2, String v2) {
        if (k1 == null) {
            return new String[0];
        }
        return k2 == null ? new String[] {k1, v1} : new String[] {k1, v1, k2, v2};
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
