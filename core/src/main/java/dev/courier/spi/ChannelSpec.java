package dev.courier.spi;

import java.util.Objects;

/**
 * What a transport needs to open one channel: the topic it reads, the channel's own name (a queue on a broker;
 * consumers of one channel compete, channels of one topic each get every message), and how many unsettled messages
 * one consumer may hold.
 *
 * @param topic    the topic whose messages the channel receives
 * @param channel  the channel's name, unique per transport
 * @param prefetch how many messages one consumer may hold unsettled, 1 to 65,535
 */
public record ChannelSpec(String topic, String channel, int prefetch) {
    /** The prefetch of a channel nobody configured. */
    public static final int DEFAULT_PREFETCH = 20;

    public ChannelSpec {
        requireName(topic, "topic");
        requireName(channel, "channel");
        if (prefetch < 1 || prefetch > 65_535) {
            throw new IllegalArgumentException("prefetch of channel '" + channel + "' must be between 1 and 65535 "
                    + "but was " + prefetch);
        }
    }

    /** A channel named after its topic, with the default prefetch. */
    public static ChannelSpec of(String topic) {
        return new ChannelSpec(topic, topic, DEFAULT_PREFETCH);
    }

    /** A copy on another channel (another queue) of the same topic. */
    public ChannelSpec withChannel(String name) {
        return new ChannelSpec(topic, name, prefetch);
    }

    /** A copy with another prefetch. */
    public ChannelSpec withPrefetch(int count) {
        return new ChannelSpec(topic, channel, count);
    }

    private static void requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
