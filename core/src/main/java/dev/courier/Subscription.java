package dev.courier;

import dev.courier.spi.ChannelFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a {@code Dispatcher} reads: a channel on a topic, the request types it carries, and how many performers
 * (pump threads) compete for its messages. Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * Subscription.of("task.reminder", TaskReminder.class)
 *         .channelFactory(rabbit).performers(2).prefetch(50)
 *         .requeueCount(3).requeueDelay(Duration.ofSeconds(5));
 * }</pre>
 */
public final class Subscription {
    private final String topic;
    private final String channel;
    private final List<Class<? extends Request>> requestTypes;
    private final ChannelFactory channelFactory;
    private final int performers;
    private final int prefetch;
    private final int requeueCount;
    private final Duration requeueDelay;
    private final int unacceptableLimit;
    private final Duration unacceptableWindow;
    private final Duration receiveTimeout;
    private final boolean acceptQuit;

    private Subscription(String topic, String channel, List<Class<? extends Request>> requestTypes,
            ChannelFactory channelFactory, int performers, int prefetch, int requeueCount, Duration requeueDelay,
            int unacceptableLimit, Duration unacceptableWindow, Duration receiveTimeout, boolean acceptQuit) {
        this.topic = topic;
        this.channel = channel;
        this.requestTypes = requestTypes;
        this.channelFactory = channelFactory;
        this.performers = performers;
        this.prefetch = prefetch;
        this.requeueCount = requeueCount;
        this.requeueDelay = requeueDelay;
        this.unacceptableLimit = unacceptableLimit;
        this.unacceptableWindow = unacceptableWindow;
        this.receiveTimeout = receiveTimeout;
        this.acceptQuit = acceptQuit;
    }

    /**
     * A subscription to {@code topic} on a channel of the same name, for the given request types. Defaults: one
     * performer, prefetch 20, requeue count 3, requeue delay 1 s, pause after 10 unacceptable messages within a
     * minute, receive timeout 500 ms.
     */
    @SafeVarargs
    public static Subscription of(String topic, Class<? extends Request>... requestTypes) {
        requireName(topic, "topic");
        Objects.requireNonNull(requestTypes, "requestTypes");
        if (requestTypes.length == 0) {
            throw new IllegalArgumentException("Subscription to '" + topic + "' needs at least one request type");
        }
        List<Class<? extends Request>> types = new ArrayList<>();
        for (Class<? extends Request> type : requestTypes) {
            types.add(Objects.requireNonNull(type, "request type for topic '" + topic + "'"));
        }
        return new Subscription(topic, topic, List.copyOf(types), null, 1, 20, 3, Duration.ofSeconds(1), 10,
                Duration.ofMinutes(1), Duration.ofMillis(500), false);
    }

    public Subscription channel(String name) {
        requireName(name, "channel");
        return new Subscription(topic, name, requestTypes, channelFactory, performers, prefetch, requeueCount,
                requeueDelay, unacceptableLimit, unacceptableWindow, receiveTimeout, acceptQuit);
    }

    public Subscription channelFactory(ChannelFactory factory) {
        Objects.requireNonNull(factory, "channelFactory");
        return new Subscription(topic, channel, requestTypes, factory, performers, prefetch, requeueCount,
                requeueDelay, unacceptableLimit, unacceptableWindow, receiveTimeout, acceptQuit);
    }

    public Subscription performers(int count) {
        requireRange(count, 1, 1024, "performers");
        return new Subscription(topic, channel, requestTypes, channelFactory, count, prefetch, requeueCount,
                requeueDelay, unacceptableLimit, unacceptableWindow, receiveTimeout, acceptQuit);
    }

    public Subscription prefetch(int count) {
        requireRange(count, 1, 65535, "prefetch");
        return new Subscription(topic, channel, requestTypes, channelFactory, performers, count, requeueCount,
                requeueDelay, unacceptableLimit, unacceptableWindow, receiveTimeout, acceptQuit);
    }

    /** How many times a failed message is requeued before it is dead-lettered; 0 dead-letters on first failure. */
    public Subscription requeueCount(int count) {
        requireRange(count, 0, 1_000_000, "requeueCount");
        return new Subscription(topic, channel, requestTypes, channelFactory, performers, prefetch, count,
                requeueDelay, unacceptableLimit, unacceptableWindow, receiveTimeout, acceptQuit);
    }

    public Subscription requeueDelay(Duration delay) {
        requireNotNegative(delay, "requeueDelay");
        return new Subscription(topic, channel, requestTypes, channelFactory, performers, prefetch, requeueCount,
                delay, unacceptableLimit, unacceptableWindow, receiveTimeout, acceptQuit);
    }

    /** Pause the channel when more than {@code limit} unacceptable messages arrive within {@code window}. */
    public Subscription unacceptableLimit(int limit, Duration window) {
        requireRange(limit, 0, Integer.MAX_VALUE, "unacceptableLimit");
        requireNotNegative(window, "unacceptableWindow");
        return new Subscription(topic, channel, requestTypes, channelFactory, performers, prefetch, requeueCount,
                requeueDelay, limit, window, receiveTimeout, acceptQuit);
    }

    public Subscription receiveTimeout(Duration timeout) {
        requireNotNegative(timeout, "receiveTimeout");
        return new Subscription(topic, channel, requestTypes, channelFactory, performers, prefetch, requeueCount,
                requeueDelay, unacceptableLimit, unacceptableWindow, timeout, acceptQuit);
    }

    /**
     * Whether a {@code QUIT} message stops the performer that receives it (it is acknowledged, never handled).
     * Default false: anyone who can publish to the topic could otherwise stop its consumers, so a {@code QUIT}
     * is dead-lettered as unacceptable instead. Turn it on where only trusted producers reach the channel.
     */
    public Subscription acceptQuit(boolean accept) {
        return new Subscription(topic, channel, requestTypes, channelFactory, performers, prefetch, requeueCount,
                requeueDelay, unacceptableLimit, unacceptableWindow, receiveTimeout, accept);
    }

    public String topic() { return topic; }
    public String channel() { return channel; }
    public List<Class<? extends Request>> requestTypes() { return requestTypes; }
    /** The transport's factory, or null when none was set (a dispatcher refuses to start it). */
    public ChannelFactory channelFactory() { return channelFactory; }
    public int performers() { return performers; }
    public int prefetch() { return prefetch; }
    public int requeueCount() { return requeueCount; }
    public Duration requeueDelay() { return requeueDelay; }
    public int unacceptableLimit() { return unacceptableLimit; }
    public Duration unacceptableWindow() { return unacceptableWindow; }
    public Duration receiveTimeout() { return receiveTimeout; }
    public boolean acceptQuit() { return acceptQuit; }

    @Override
    public String toString() {
        return "Subscription[topic=" + topic + ", channel=" + channel + ", types="
                + Arrays.toString(requestTypes.stream().map(Class::getSimpleName).toArray()) + ", performers="
                + performers + ", prefetch=" + prefetch + ", requeueCount=" + requeueCount + ", requeueDelay="
                + requeueDelay + "]";
    }

    private static void requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void requireRange(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + " but was " + value);
        }
    }

    private static void requireNotNegative(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative but was " + value);
        }
    }
}
