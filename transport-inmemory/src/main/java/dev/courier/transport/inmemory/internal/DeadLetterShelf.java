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
 * Its own lock guards it, so that an operator's browse needs no channel lock.
 */
public final class DeadLetterShelf {
    /** The channel's log category, as before this was a class of its own. */
    private static final Logger log = LoggerFactory.getLogger(ChannelQueue.class);

    private final String channel;
    private final String topic;
    private final int limit;
    private final ArrayDeque<DeadLetter> letters = new ArrayDeque<>();
    private final java.util.Set<DeadLetter> held = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
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
    synchronized void add(Message dead, DeadLetterReason reason) {
        letters.addLast(new DeadLetter(dead, reason));
        count++;
        if (letters.size() > limit) {
            DeadLetter dropped = letters.pollFirst();
            held.remove(dropped);
            log.warn("Channel {} keeps at most {} dead letters: dropped message {} of topic {}", channel, limit,
                    dropped.message().id(), topic);
        }
    }

    /** How many messages were dead-lettered, including those dropped since. */
    synchronized long count() {
        return count;
    }

    /** The dead letters still kept, oldest first. */
    public synchronized List<DeadLetter> list() {
        return List.copyOf(letters);
    }

    /** Removes that very dead letter (by identity); false when it is gone already. */
    public synchronized boolean remove(DeadLetter letter) {
        held.remove(letter);
        return letters.removeIf(kept -> kept == letter);
    }

    /** Holds a dead letter for one browse: false when it is gone or another browse holds it. */
    public synchronized boolean hold(DeadLetter letter) {
        return letters.stream().anyMatch(kept -> kept == letter) && held.add(letter);
    }

    /** Lets go of a held dead letter: other browses see it again. */
    public synchronized void release(DeadLetter letter) {
        held.remove(letter);
    }
}
