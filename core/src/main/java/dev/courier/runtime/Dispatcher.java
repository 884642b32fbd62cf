package dev.courier.runtime;

import dev.courier.ChannelState;
import dev.courier.Command;
import dev.courier.ConfigurationException;
import dev.courier.Event;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.internal.ChannelRunner;
import dev.courier.mapping.MessageMappers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads channels and hands each message to its handler through a {@link CommandProcessor}: one message pump thread
 * per performer of each {@link Subscription}. Commands go to {@code send}, events to {@code publish}. How a pump
 * settles each message (acknowledge, requeue, dead-letter) is the decision table in docs/dispatcher.md.
 *
 * <pre>{@code
 * Dispatcher dispatcher = Dispatcher.builder()
 *         .processor(processor)
 *         .subscription(Subscription.builder("task.reminder", TaskReminder.class).transport(transport).performers(2)
 *                 .build())
 *         .build();
 * dispatcher.start();
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> dispatcher.stop(Duration.ofSeconds(10))));
 * }</pre>
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ChannelRunner.Settings settings;
    private final Map<String, ChannelRunner> channels = new LinkedHashMap<>();
    private boolean started;

    private Dispatcher(ChannelRunner.Settings settings, List<Subscription> subscriptions) {
        this.settings = settings;
        subscriptions.forEach(this::addRunner);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts every channel's pumps. */
    public synchronized Dispatcher start() {
        started = true;
        channels.values().forEach(ChannelRunner::start);
        return this;
    }

    /**
     * Stops gracefully: every pump stops fetching, finishes the message in hand and settles it, then closes its
     * consumer (unsettled prefetched messages go back to the broker). Waits up to {@code timeout}; pumps still busy
     * then are interrupted. Returns true when everything stopped within the timeout.
     */
    public boolean stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<ChannelRunner> runners;
        synchronized (this) {
            started = false;
            runners = new ArrayList<>(channels.values());
        }
        runners.forEach(r -> r.halt(ChannelState.Status.STOPPED, "dispatcher stopped"));
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = true;
        for (ChannelRunner runner : runners) {
            clean &= runner.awaitStopped(deadline);
        }
        if (!clean) {
            LOG.warn("Dispatcher stop timed out after {} ms; interrupting busy pumps", timeout.toMillis());
            runners.forEach(ChannelRunner::interrupt);
        }
        return clean;
    }

    /** {@link #stop(Duration)} with 30 seconds. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    /** Stops one channel's pumps (they finish the message in hand); {@link #open(String)} starts it again. */
    public void shut(String channel) {
        runner(channel).halt(ChannelState.Status.STOPPED, "shut by operator");
    }

    /** Starts a shut or paused channel again. */
    public void open(String channel) {
        runner(channel).start();
    }

    /** Adds a subscription while running; its pumps start at once if the dispatcher is started. */
    public synchronized void add(Subscription subscription) {
        Builder.check(subscription, settings);
        ChannelRunner runner = addRunner(subscription);
        if (started) {
            runner.start();
        }
    }

    /** Stops a channel, waits up to {@code timeout} for its pumps, and forgets it. */
    public boolean remove(String channel, Duration timeout) {
        ChannelRunner runner = runner(channel);
        runner.halt(ChannelState.Status.STOPPED, "removed");
        boolean clean = runner.awaitStopped(System.nanoTime() + timeout.toNanos());
        if (!clean) {
            runner.interrupt();
        }
        synchronized (this) {
            channels.remove(channel);
        }
        return clean;
    }

    public synchronized ChannelState state(String channel) {
        return runner(channel).state();
    }

    /** Every channel's state, in the order they were added. */
    public synchronized List<ChannelState> states() {
        return channels.values().stream().map(ChannelRunner::state).toList();
    }

    private synchronized ChannelRunner runner(String channel) {
        ChannelRunner runner = channels.get(Objects.requireNonNull(channel, "channel"));
        if (runner == null) {
            throw new IllegalArgumentException("No channel '" + channel + "'; channels: " + channels.keySet());
        }
        return runner;
    }

    private ChannelRunner addRunner(Subscription subscription) {
        if (channels.containsKey(subscription.channel())) {
            throw new ConfigurationException("Channel '" + subscription.channel() + "' is subscribed twice");
        }
        ChannelRunner runner = new ChannelRunner(subscription, settings);
        channels.put(subscription.channel(), runner);
        return runner;
    }

    /** Configures a {@link Dispatcher}; {@link #build()} checks every subscription. */
    public static final class Builder {
        private CommandProcessor processor;
        private MessageMappers mappers;
        private final List<Subscription> subscriptions = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory = Thread::new;
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(30);

        private Builder() {}

        public Builder processor(CommandProcessor value) {
            processor = Objects.requireNonNull(value, "processor");
            return this;
        }

        /** The mappers for inbound messages; the processor's by default. */
        public Builder mappers(MessageMappers value) {
            mappers = Objects.requireNonNull(value, "mappers");
            return this;
        }

        public Builder subscription(Subscription value) {
            subscriptions.add(Objects.requireNonNull(value, "subscription"));
            return this;
        }

        /** Makes pump threads; for example {@code Thread.ofVirtual().factory()} on Java 21+. */
        public Builder threadFactory(ThreadFactory value) {
            threadFactory = Objects.requireNonNull(value, "threadFactory");
            return this;
        }

        /** Times the unacceptable-message window. */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How long a pump waits after a channel failure, doubling from min to max. Default 100 ms to 30 s. */
        public Builder reconnectBackoff(Duration min, Duration max) {
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("backoff needs 0 < min <= max but was " + min + ", " + max);
            }
            minBackoff = min;
            maxBackoff = max;
            return this;
        }

        public Dispatcher build() {
            if (processor == null) {
                throw new ConfigurationException("Dispatcher needs a processor");
            }
            ChannelRunner.Settings settings = new ChannelRunner.Settings(processor.localHandling(),
                    mappers != null ? mappers : processor.mappers(), clock, threadFactory, minBackoff, maxBackoff,
                    processor.listener(), processor.propagator());
            subscriptions.forEach(s -> check(s, settings));
            return new Dispatcher(settings, subscriptions);
        }

        static void check(Subscription subscription, ChannelRunner.Settings settings) {
            for (Class<? extends Request> type : subscription.requestTypes()) {
                if (!settings.mappers().contains(type)) {
                    throw new ConfigurationException("Channel '" + subscription.channel() + "' carries "
                            + type.getName() + " but it has no message mapper; register it with MessageMappers");
                }
                if (Command.class.isAssignableFrom(type) && !settings.handling().handles(type)) {
                    throw new ConfigurationException("Channel '" + subscription.channel() + "' carries the command "
                            + type.getName() + " but the processor has no handler for it");
                }
                if (!Command.class.isAssignableFrom(type) && !Event.class.isAssignableFrom(type)) {
                    throw new ConfigurationException(type.getName() + " on channel '" + subscription.channel()
                            + "' is neither a Command nor an Event");
                }
            }
        }
    }
}
