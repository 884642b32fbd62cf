package dev.courier.runtime;

import dev.courier.ConfigurationException;
import dev.courier.CourierListener;
import dev.courier.Producers;
import dev.courier.spi.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Configures an {@link OutboxSweeper}; every value is checked as it is set. */
public final class OutboxSweeperBuilder {
    final Outbox outbox;
    final Producers producers;
    Clock clock = Clock.systemUTC();
    Duration minAge = Duration.ofSeconds(5);
    int batchSize = 500;
    int maxBatches = 100;
    int maxInFlight = 8;
    int parkAfter = OutboxSweeper.DEFAULT_PARK_AFTER;
    Duration lease = Duration.ofSeconds(60);
    Duration interval = Duration.ofSeconds(1);
    Duration confirmTimeout = Duration.ofSeconds(30);
    Duration retention = OutboxSweeper.DEFAULT_RETENTION;
    final List<CourierListener> listeners = new ArrayList<>();

    OutboxSweeperBuilder(Outbox outbox, Producers producers) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.producers = Objects.requireNonNull(producers, "producers").copy();
    }

    /** Only messages at least this old: younger ones are probably still being posted. Default 5 s. */
    public OutboxSweeperBuilder minAge(Duration value) { minAge = notNegative(value, "minAge"); return this; }
    /** Messages claimed and sent at once. Default 500. */
    public OutboxSweeperBuilder batchSize(int value) { batchSize = positive(value, "batchSize"); return this; }
    /** Batches in one pass at most. Default 100. */
    public OutboxSweeperBuilder maxBatchesPerSweep(int value) { maxBatches = positive(value, "maxBatchesPerSweep"); return this; }
    /** How long a claim keeps other sweepers off a batch; longer than confirmTimeout. Default 60 s. */
    public OutboxSweeperBuilder lease(Duration value) { lease = positiveDuration(value, "lease"); return this; }
    /**
     * Batches claimed and not yet settled (confirmed and marked dispatched) at once, so that claiming, sending
     * and marking overlap. Default 8. With 1, each batch is claimed, sent and settled before the next is claimed.
     */
    public OutboxSweeperBuilder maxBatchesInFlight(int value) { maxInFlight = positive(value, "maxBatchesInFlight"); return this; }
    /** After how many refusals by the broker a message is parked (see {@link Outbox#parked}). Default 5. */
    public OutboxSweeperBuilder parkAfter(int refusals) { parkAfter = positive(refusals, "parkAfter"); return this; }
    /** Pause between passes when started. Default 1 s. */
    public OutboxSweeperBuilder interval(Duration value) { interval = positiveDuration(value, "interval"); return this; }
    /** How long to wait for the broker's confirms. Default 30 s. */
    public OutboxSweeperBuilder confirmTimeout(Duration value) { confirmTimeout = positiveDuration(value, "confirmTimeout"); return this; }
    /**
     * How long dispatched messages are kept (for {@code repost}) before the sweeper deletes them, at most once a
     * minute. Default {@link OutboxSweeper#DEFAULT_RETENTION}, 7 days: an outbox does not grow without bound unless asked to.
     */
    public OutboxSweeperBuilder retention(Duration value) { retention = positiveDuration(value, "retention"); return this; }
    /** Never deletes dispatched messages (then call {@link Outbox#deleteDispatchedBefore} yourself). */
    public OutboxSweeperBuilder keepDispatched() { retention = null; return this; }
    /**
     * Tells {@code value} each pass ({@link CourierListener#swept}) and each message dispatched or not; call it
     * again to add more.
     */
    public OutboxSweeperBuilder listener(CourierListener value) {
        listeners.add(Objects.requireNonNull(value, "listener"));
        return this;
    }

    public OutboxSweeperBuilder clock(Clock value) { clock = Objects.requireNonNull(value, "clock"); return this; }

    public OutboxSweeper build() {
        if (lease.compareTo(confirmTimeout) <= 0) {
            throw new ConfigurationException("lease (" + lease + ") must be longer than confirmTimeout ("
                    + confirmTimeout + "), or another sweeper could send a batch that is still being sent");
        }
        return new OutboxSweeper(this);
    }

    static Duration notNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative but was " + d);
        }
        return d;
    }

    static Duration positiveDuration(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive but was " + d);
        }
        return d;
    }

    static int positive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive but was " + value);
        }
        return value;
    }
}
