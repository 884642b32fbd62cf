package dev.courier.transport.inmemory.internal;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.transport.inmemory.DeadLetter;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's dead letters, oldest first, kept up to a limit (the oldest dropped first), and how many there were.
 * Guarded by the channel's lock.
 */
final class DeadLetterShelf {
    /** The channel's log category, as before this was a class of its own. */
    private static final Logger log = LoggerFactory.getLogger(ChannelQueue.class);

    private final String channel;
    private final String topic;
    private final int limit;
    private final ArrayDeque<DeadLetter> letters = new ArrayDeque<>();
    private long count;

    DeadLetterShelf(String channel, String topic, int limit) {
        this.channel = channel;
        this.topic = topic;
        this.limit = limit;
    }

    /** The message as it is dead-lettered: as delivered, with the reason's headers added to its bag. */
    static Message withReason(Message delivered, DeadLetterReason reason) {
        Map<String, String> bag = new LinkedHashMap<>(delivered.header().bag());
        bag.putAll(reason.asHeaders());
        return delivered.withHeader(delivered.header().toBuilder().bag(bag).build());
    }

    /** Keeps {@code dead} as a dead letter; drops the oldest one kept if there are now more than the limit. */
    void add(Message dead, DeadLetterReason reason) {
        letters.addLast(new DeadLetter(dead, reason));
        count++;
        if (letters.size() > limit) {
            DeadLetter dropped = letters.pollFirst();
            log.warn("Channel {} keeps at most {} dead letters: dropped message {} of topic {}", channel, limit,
                    dropped.message().id(), topic);
        }
    }

    /** How many messages were dead-lettered, including those dropped since. */
    long count() {
        return count;
    }

    /** The dead letters still kept, oldest first. */
    List<DeadLetter> list() {
        return List.copyOf(letters);
    }
}
