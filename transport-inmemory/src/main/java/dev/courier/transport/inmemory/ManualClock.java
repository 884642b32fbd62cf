package dev.courier.transport.inmemory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it with {@link #advance}. Thread-safe. An
 * {@link InMemoryBroker} on a manual clock wakes its waiting receivers whenever the clock moves, so a delayed message
 * becomes receivable the moment the test advances past its due time.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * InMemoryBroker broker = InMemoryBroker.builder().clock(clock).build();
 * clock.advance(Duration.ofSeconds(5));
 * }</pre>
 */
public final class ManualClock extends Clock {
    private final State state;
    private final ZoneId zone;

    /** A clock standing at the current time, truncated to milliseconds. */
    public ManualClock() {
        this(Instant.ofEpochMilli(System.currentTimeMillis()));
    }

    /** A clock standing at {@code start}. */
    public ManualClock(Instant start) {
        this(new State(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(State state, ZoneId zone) {
        this.state = state;
        this.zone = zone;
    }

    /** Moves the clock forward by {@code duration} and tells the listeners. Time never goes backwards. */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward, but duration was " + duration);
        }
        state.now.accumulateAndGet(null, (now, ignored) -> now.plus(duration));
        state.listeners.forEach(Runnable::run);
    }

    /**
     * Registers {@code listener} to run after every {@link #advance}, on the advancing thread. The broker uses it to
     * wake receivers; listeners must be quick and must not throw.
     */
    public void onAdvance(Runnable listener) {
        state.listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public Instant instant() {
        return state.now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view of this clock in another zone; it moves with this one. */
    @Override
    public Clock withZone(ZoneId newZone) {
        return new ManualClock(state, Objects.requireNonNull(newZone, "zone"));
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + "]";
    }

    /** The time and listeners that zone views share. */
    private static final class State {
        final AtomicReference<Instant> now;
        final List<Runnable> listeners = new CopyOnWriteArrayList<>();

        State(Instant start) {
            now = new AtomicReference<>(start);
        }
    }
}
