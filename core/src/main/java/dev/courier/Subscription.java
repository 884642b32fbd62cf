package dev.courier;

import dev.courier.spi.ChannelSpec;
import dev.courier.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a {@code Dispatcher} reads: a channel on a topic, the request types it carries, the transport it lives on,
 * how many performers (pump threads) compete for its messages and how failures are settled. Immutable; made by its
 * {@link Builder}, whose setters check their argument at once.
 *
 * <pre>{@code
 * Subscription.builder("task.reminder", TaskReminder.class)
 *         .transport(rabbit).performers(2).prefetch(50)
 *         .requeueCount(3).requeueDelay(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 */
public final class Subscription {
    private final ChannelSpec spec;
    private final List<Class<? extends Request>> requestTypes;
    private final Transport transport;
    private final int performers;
    private final int requeueCount;
    private final Duration requeueDelay;
    private final int unacceptableLimit;
    private final Duration unacceptableWindow;
    private final Duration receiveTimeout;
    private final boolean acceptQuit;
    private final MessageRecoverer recoverer;

    private Subscription(Builder b) {
        this.spec = new ChannelSpec(b.topic, b.channel, b.prefetch);
        this.requestTypes = b.requestTypes;
        this.transport = b.transport;
        this.performers = b.performers;
        this.requeueCount = b.requeueCount;
        this.requeueDelay = b.requeueDelay;
        this.unacceptableLimit = b.unacceptableLimit;
        this.unacceptableWindow = b.unacceptableWindow;
        this.receiveTimeout = b.receiveTimeout;
        this.acceptQuit = b.acceptQuit;
        this.recoverer = b.recoverer;
    }

    /**
     * A subscription to {@code topic}, on a channel of the same name unless {@link Builder#channel} names another,
     * for the given request types. Defaults: one performer, prefetch 20, requeue count 3, requeue delay 1 s, pause
     * after 10 unacceptable messages within a minute, receive timeout 500 ms, failed messages to the transport's
     * dead letters.
     */
    @SafeVarargs
    public static Builder builder(String topic, Class<? extends Request>... requestTypes) {
        return new Builder(topic, requestTypes);
    }

    /** A builder holding this subscription's settings, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(spec.topic(), requestTypes.toArray(Class[]::new));
        b.channel = spec.channel();
        b.transport = transport;
        b.performers = performers;
        b.prefetch = spec.prefetch();
        b.requeueCount = requeueCount;
        b.requeueDelay = requeueDelay;
        b.unacceptableLimit = unacceptableLimit;
        b.unacceptableWindow = unacceptableWindow;
        b.receiveTimeout = receiveTimeout;
        b.acceptQuit = acceptQuit;
        b.recoverer = recoverer;
        return b;
    }

    public String topic() { return spec.topic(); }
    public String channel() { return spec.channel(); }
    /** What the transport is given to open this channel. */
    public ChannelSpec channelSpec() { return spec; }
    public List<Class<? extends Request>> requestTypes() { return requestTypes; }
    public Transport transport() { return transport; }
    public int performers() { return performers; }
    public int prefetch() { return spec.prefetch(); }
    public int requeueCount() { return requeueCount; }
    public Duration requeueDelay() { return requeueDelay; }
    public int unacceptableLimit() { return unacceptableLimit; }
    public Duration unacceptableWindow() { return unacceptableWindow; }
    public Duration receiveTimeout() { return receiveTimeout; }
    public boolean acceptQuit() { return acceptQuit; }
    public MessageRecoverer recoverer() { return recoverer; }

    @Override
    public String toString() {
        return "Subscription[topic=" + topic() + ", channel=" + channel() + ", types="
                + Arrays.toString(requestTypes.stream().map(Class::getSimpleName).toArray()) + ", performers="
                + performers + ", prefetch=" + prefetch() + ", requeueCount=" + requeueCount + ", requeueDelay="
                + requeueDelay + "]";
    }

    /** Configures a {@link Subscription}; every setter checks its argument and names it when it is wrong. */
    public static final class Builder {
        private final String topic;
        private final List<Class<? extends Request>> requestTypes;
        private String channel;
        private Transport transport;
        private int performers = 1;
        private int prefetch = ChannelSpec.DEFAULT_PREFETCH;
        private int requeueCount = 3;
        private Duration requeueDelay = Duration.ofSeconds(1);
        private int unacceptableLimit = 10;
        private Duration unacceptableWindow = Duration.ofMinutes(1);
        private Duration receiveTimeout = Duration.ofMillis(500);
        private boolean acceptQuit;
        private MessageRecoverer recoverer = MessageRecoverer.DEAD_LETTER;

        @SafeVarargs
        private Builder(String topic, Class<? extends Request>... types) {
            requireName(topic, "topic");
            Objects.requireNonNull(types, "requestTypes");
            if (types.length == 0) {
                throw new IllegalArgumentException("Subscription to '" + topic + "' needs at least one request type");
            }
            List<Class<? extends Request>> list = new ArrayList<>();
            for (Class<? extends Request> type : types) {
                list.add(Objects.requireNonNull(type, "request type for topic '" + topic + "'"));
            }
            this.topic = topic;
            this.channel = topic;
            this.requestTypes = List.copyOf(list);
        }

        /** The channel's name (a queue on a broker); the topic's name by default. */
        public Builder channel(String name) {
            requireName(name, "channel");
            this.channel = name;
            return this;
        }

        /** The transport the channel lives on; required. */
        public Builder transport(Transport value) {
            this.transport = Objects.requireNonNull(value, "transport");
            return this;
        }

        public Builder performers(int count) {
            this.performers = requireRange(count, 1, 1024, "performers");
            return this;
        }

        public Builder prefetch(int count) {
            this.prefetch = requireRange(count, 1, 65535, "prefetch");
            return this;
        }

        /** How many times a failed message is requeued before it is dead-lettered; 0 dead-letters on first failure. */
        public Builder requeueCount(int count) {
            this.requeueCount = requireRange(count, 0, 1_000_000, "requeueCount");
            return this;
        }

        public Builder requeueDelay(Duration delay) {
            this.requeueDelay = requireNotNegative(delay, "requeueDelay");
            return this;
        }

        /** Pause the channel when more than {@code limit} unacceptable messages arrive within {@code window}. */
        public Builder unacceptableLimit(int limit, Duration window) {
            this.unacceptableLimit = requireRange(limit, 0, Integer.MAX_VALUE, "unacceptableLimit");
            this.unacceptableWindow = requireNotNegative(window, "unacceptableWindow");
            return this;
        }

        public Builder receiveTimeout(Duration timeout) {
            this.receiveTimeout = requireNotNegative(timeout, "receiveTimeout");
            return this;
        }

        /**
         * Whether a {@code QUIT} message stops the performer that receives it (it is acknowledged, never handled).
         * Default false: anyone who can publish to the topic could otherwise stop its consumers, so a {@code QUIT}
         * is dead-lettered as unacceptable instead. Turn it on where only trusted producers reach the channel.
         */
        public Builder acceptQuit(boolean accept) {
            this.acceptQuit = accept;
            return this;
        }

        /**
         * What becomes of a message the pump gives up on (unacceptable, rejected, or out of requeues); by default
         * {@link MessageRecoverer#DEAD_LETTER}, the transport's dead letters.
         */
        public Builder recoverer(MessageRecoverer value) {
            this.recoverer = Objects.requireNonNull(value, "recoverer");
            return this;
        }

        /** @throws ConfigurationException when no transport was given */
        public Subscription build() {
            if (transport == null) {
                throw new ConfigurationException("Subscription to '" + topic + "' (channel '" + channel
                        + "') has no transport: call transport(...) with the broker it reads");
            }
            return new Subscription(this);
        }
    }

    private static void requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static int requireRange(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + " but was " + value);
        }
        return value;
    }

    private static Duration requireNotNegative(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative but was " + value);
        }
        return value;
    }
}
