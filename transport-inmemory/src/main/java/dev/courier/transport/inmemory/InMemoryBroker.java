package dev.courier.transport.inmemory;

import dev.courier.ProducerException;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterQueue;
import dev.courier.message.Message;
import dev.courier.transport.inmemory.internal.ChannelQueue;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process message broker. A topic has a recipient list of channels; every channel subscribed to a topic gets
 * its own copy of each message sent to it, and the consumers of one channel compete for its messages (first in, first
 * out). Consumers acknowledge, requeue with a delay (the broker raises the handled count itself; it never trusts
 * the producer's), or reject to the channel's dead letters. Time-based behaviour (posted delays, requeue delays)
 * follows the broker's {@link Clock}: with a {@link ManualClock}, advancing it wakes waiting receivers; with the
 * system clock, receivers wait until the next message is due. Thread-safe; no threads of its own.
 *
 * <p>Channels are made when the first consumer connects, or up front with {@link #declareChannel}: a message sent to
 * a topic that has no channel yet cannot be routed, and its send fails. Settled messages are released at once;
 * each channel keeps at most {@link Builder#deadLetterLimit} dead letters.
 *
 * <p>The methods under "test support" let an application's tests wait for outcomes and inspect channels.
 */
public final class InMemoryBroker {
    /** Dead letters kept per channel unless the builder says otherwise. */
    public static final int DEFAULT_DEAD_LETTER_LIMIT = 10_000;

    private final Clock clock;
    private final int deadLetterLimit;
    private final Map<String, ChannelQueue> channels = new ConcurrentHashMap<>();
    private final Map<String, List<ChannelQueue>> recipients = new ConcurrentHashMap<>();

    private InMemoryBroker(Builder builder) {
        this.clock = builder.clock;
        this.deadLetterLimit = builder.deadLetterLimit;
        if (clock instanceof ManualClock manual) {
            // Weakly: a clock shared by many short-lived brokers in a test suite must not keep them all alive.
            WeakReference<InMemoryBroker> self = new WeakReference<>(this);
            manual.onAdvance(() -> {
                InMemoryBroker broker = self.get();
                if (broker != null) {
                    broker.wakeAll();
                }
            });
        }
    }

    /** A broker on the system clock. */
    public static InMemoryBroker create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Makes the channel {@code channel} subscribed to {@code topic}, unless it exists, so that messages sent from now
     * on are kept for it even before a consumer connects.
     *
     * @throws InMemoryBrokerException when the channel exists on another topic
     */
    public void declareChannel(String topic, String channel) {
        channel(requireName(topic, "topic"), requireName(channel, "channel"));
    }

    /** {@link #declareChannel(String, String)} for the spec's topic and channel. */
    public void declareChannel(ChannelSpec spec) {
        Objects.requireNonNull(spec, "channel");
        declareChannel(spec.topic(), spec.channel());
    }

    /** The names of all channels, sorted. */
    public Set<String> channels() {
        return new TreeSet<>(channels.keySet());
    }

    // --- test support ---

    /**
     * Waits until at least {@code count} messages have been acknowledged on {@code channel} since it was made.
     *
     * @throws InMemoryBrokerException after {@code timeout}, with the channel's counts at that moment
     */
    public void awaitAcknowledged(String channel, long count, Duration timeout) {
        ChannelQueue queue = existing(channel);
        if (!queue.awaitAcknowledged(count, requireTimeout(timeout))) {
            throw timedOut(count + " acknowledged", queue, timeout);
        }
    }

    /**
     * Waits until at least {@code count} messages have been dead-lettered on {@code channel} since it was made.
     *
     * @throws InMemoryBrokerException after {@code timeout}, with the channel's counts at that moment
     */
    public void awaitDeadLettered(String channel, long count, Duration timeout) {
        ChannelQueue queue = existing(channel);
        if (!queue.awaitDeadLettered(count, requireTimeout(timeout))) {
            throw timedOut(count + " dead-lettered", queue, timeout);
        }
    }

    /** What was dead-lettered on {@code channel}, oldest first, each with its reason. */
    public List<DeadLetter> deadLetters(String channel) {
        return existing(channel).deadLetters();
    }

    /**
     * The dead letters of every channel, for an operator's tools: list, redrive, move, purge (see
     * {@code dev.courier.runtime.DeadLetters}). A redriven message is enqueued at the
     * back of its target channel with a handled count of zero.
     */
    public DeadLetterQueue deadLetterQueue() {
        return new InMemoryDeadLetters(this);
    }

    /** The counts of {@code channel} now: ready, delayed, in flight, acknowledged, dead-lettered. */
    public ChannelStats stats(String channel) {
        return existing(channel).stats();
    }

    /**
     * Moves the broker's {@link ManualClock} forward, waking receivers whose messages became due.
     *
     * @throws InMemoryBrokerException when the broker runs on another clock
     */
    public void advanceClock(Duration duration) {
        if (!(clock instanceof ManualClock manual)) {
            throw new InMemoryBrokerException("advanceClock needs a broker built with a ManualClock, but its clock is "
                    + clock);
        }
        manual.advance(duration);
    }

    // --- used by the producer and consumers ---

    /** Routes a copy of {@code message} to every channel subscribed to its topic. */
    void publish(Message message) {
        List<ChannelQueue> targets = recipients.get(message.topic());
        if (targets == null || targets.isEmpty()) {
            throw new ProducerException("Message " + message.id() + " to topic '" + message.topic()
                    + "' could not be routed: no channel is subscribed to that topic. Create a consumer first, or "
                    + "declare the channel with InMemoryBroker.declareChannel(topic, channel)");
        }
        for (ChannelQueue target : targets) {
            target.enqueue(message);
        }
    }

    /** The channel, made and subscribed to {@code topic} if it does not exist. */
    ChannelQueue channel(String topic, String channel) {
        ChannelQueue existing = channels.get(channel);
        if (existing == null) {
            synchronized (this) {
                existing = channels.get(channel);
                if (existing == null) {
                    existing = new ChannelQueue(channel, topic, clock, deadLetterLimit);
                    recipients.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(existing);
                    channels.put(channel, existing);
                }
            }
        }
        if (!existing.topic().equals(topic)) {
            throw new InMemoryBrokerException("Channel '" + channel + "' is subscribed to topic '" + existing.topic()
                    + "', not to '" + topic + "'");
        }
        return existing;
    }

    ChannelQueue existing(String channel) {
        ChannelQueue queue = channels.get(Objects.requireNonNull(channel, "channel"));
        if (queue == null) {
            throw new InMemoryBrokerException("No channel '" + channel + "'; the broker has " + channels());
        }
        return queue;
    }

    private void wakeAll() {
        channels.values().forEach(ChannelQueue::wake);
    }

    private static InMemoryBrokerException timedOut(String what, ChannelQueue queue, Duration timeout) {
        return new InMemoryBrokerException("Timed out after " + timeout.toMillis() + " ms waiting for " + what
                + " on channel '" + queue.name() + "': " + queue.stats());
    }

    private static Duration requireTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative but was " + timeout);
        }
        return timeout;
    }

    private static String requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    /** Configures an {@link InMemoryBroker}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int deadLetterLimit = DEFAULT_DEAD_LETTER_LIMIT;

        private Builder() {}

        /** The clock delays are measured on; a {@link ManualClock} in tests. Default: the system clock (UTC). */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How many dead letters each channel keeps; the oldest are dropped beyond it (with a warning). */
        public Builder deadLetterLimit(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("deadLetterLimit must be at least 1 but was " + value);
            }
            deadLetterLimit = value;
            return this;
        }

        public InMemoryBroker build() {
            return new InMemoryBroker(this);
        }
    }
}
