package dev.courier.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/** Counts unacceptable messages within a sliding time window, for one channel and all its performers. */
final class UnacceptableWindow {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final ArrayDeque<Instant> seen = new ArrayDeque<>();

    UnacceptableWindow(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Records one; returns true when the window now holds more than the limit. */
    synchronized boolean recordAndCheck() {
        Instant now = clock.instant();
        seen.addLast(now);
        Instant cutoff = now.minus(window);
        while (!seen.isEmpty() && seen.peekFirst().isBefore(cutoff)) {
            seen.removeFirst();
        }
        return seen.size() > limit;
    }

    synchronized void reset() {
        seen.clear();
    }
}
