package dev.courier.transport.inmemory.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One consumer's view of a channel, opened by {@link ChannelQueue#openReader}: how many messages it holds unsettled,
 * the entries it was handed, and whether it is closed. Guarded by the channel's lock, except {@link #unsettled},
 * which a settle without the lock counts down.
 */
public final class Reader {
    final int prefetch;
    final AtomicInteger unsettled = new AtomicInteger();
    /**
     * Entries handed to this reader, oldest first, some settled since (their owner is no longer this reader):
     * what {@link ChannelQueue#close} looks through. Guarded by the channel's lock; settled ones are dropped as it
     * grows.
     */
    private final ArrayDeque<Entry> handed = new ArrayDeque<>();
    boolean closed;

    Reader(int prefetch) {
        this.prefetch = prefetch;
    }

    /** Takes the entry, handed over under {@code tag}: lists it, makes this reader its owner, counts it unsettled. */
    void hold(Entry entry, long tag) {
        handed(entry); // before it is owned again: an earlier delivery of it to this reader is pruned
        entry.tag = tag;
        entry.owner = this;
        unsettled.incrementAndGet();
    }

    private void handed(Entry entry) {
        while (!handed.isEmpty() && handed.peekFirst().owner != this) {
            handed.pollFirst();
        }
        if (handed.size() > 2L * prefetch + 16) { // one held for long keeps the front from moving
            handed.removeIf(e -> e.owner != this);
        }
        handed.addLast(entry);
    }

    /**
     * Takes back the entries this reader still holds and forgets the rest; returns them newest first, so that adding
     * each to the front of the channel restores their original order.
     */
    List<Entry> takeBack() {
        List<Entry> returned = new ArrayList<>();
        for (Entry entry : handed) {
            if (entry.release(this)) { // not settled meanwhile (nor listed twice)
                returned.add(entry);
            }
        }
        handed.clear();
        returned.sort(Comparator.comparingLong((Entry e) -> e.sequence).reversed());
        return returned;
    }
}
