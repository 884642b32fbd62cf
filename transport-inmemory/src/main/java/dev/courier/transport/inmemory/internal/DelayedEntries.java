package dev.courier.transport.inmemory.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;

/** A channel's delayed messages, the earliest due first (then in the order they came). Guarded by its lock. */
final class DelayedEntries {
    private static final Comparator<Entry> BY_DUE_TIME =
            Comparator.comparing((Entry e) -> e.dueAt).thenComparingLong(e -> e.sequence);

    private final Clock clock;
    private final PriorityQueue<Entry> entries = new PriorityQueue<>(BY_DUE_TIME);

    DelayedEntries(Clock clock) {
        this.clock = clock;
    }

    void add(Entry entry) {
        entries.add(entry);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /** Moves the entries due by now to the end of {@code ready}, earliest first; reads the clock only if any wait. */
    void promoteDue(Deque<Entry> ready) {
        if (entries.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        while (!entries.isEmpty() && !entries.peek().dueAt.isAfter(now)) {
            ready.addLast(entries.poll());
        }
    }

    /** Nanoseconds until the earliest entry is due, at least 1; only when there is one. */
    long nanosUntilNext() {
        return Math.max(1, ChannelLock.saturatedNanos(Duration.between(clock.instant(), entries.peek().dueAt)));
    }
}
