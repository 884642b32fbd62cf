package dev.courier;

import dev.courier.internal.NamedThreadFactory;
import dev.courier.internal.OutboxSender;
import dev.courier.message.Message;
import dev.courier.spi.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what is left outstanding in the outbox: messages whose post did not complete (the process died, the broker
 * was down). Oldest first, in batches, on a schedule. Several sweepers, in one process or many, may run over one
 * outbox at once: each claims its batch with a lease, so a message goes to one of them at a time. A message is
 * sent at least once; consumers that must not handle it twice use an inbox. With a {@link Builder#retention}, each
 * pass also deletes the messages dispatched longer ago than that, so that the outbox does not grow without end.
 *
 * <pre>{@code
 * OutboxSweeper sweeper = OutboxSweeper.builder(outbox, producers)
 *         .minAge(Duration.ofSeconds(5)).retention(Duration.ofDays(7)).build();
 * sweeper.start();   // every interval; or call sweep() yourself
 * }</pre>
 */
public final class OutboxSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxSweeper.class);

    private final Outbox outbox;
    private final OutboxSender sender;
    private final Clock clock;
    private final Duration minAge;
    private final int batchSize;
    private final int maxBatches;
    private final int maxInFlight;
    private final Duration lease;
    private final Duration interval;
    private final Duration confirmTimeout;
    private final Duration retention;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService marker;

    private OutboxSweeper(Builder b) {
        this.outbox = b.outbox;
        this.clock = b.clock;
        this.minAge = b.minAge;
        this.batchSize = b.batchSize;
        this.maxBatches = b.maxBatches;
        this.maxInFlight = b.maxInFlight;
        this.lease = b.lease;
        this.interval = b.interval;
        this.confirmTimeout = b.confirmTimeout;
        this.retention = b.retention;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("courier-sweeper"));
        this.marker = Executors.newCachedThreadPool(new NamedThreadFactory("courier-sweeper-mark"));
        this.sender = new OutboxSender(b.producers, b.outbox, b.clock, marker);
    }

    public static Builder builder(Outbox outbox, Producers producers) {
        return new Builder(outbox, producers);
    }

    /**
     * One pass: claims batches of outstanding messages older than the minimum age and sends them, until a batch
     * comes back short, a send fails, or the per-pass batch limit is reached; then, with a retention, deletes the
     * messages dispatched longer ago than that. Returns how many were confirmed.
     */
    public int sweep() {
        int sent = 0;
        boolean failed = false;
        Deque<Sending> inFlight = new ArrayDeque<>();
        for (int i = 0; i < maxBatches && !failed; i++) {
            List<Message> batch = outbox.claimOutstanding(clock.instant().minus(minAge), batchSize, lease);
            if (batch.isEmpty()) {
                break;
            }
            // The next batch is claimed while this one waits for its confirms and its marking; leases keep any
            // other sweeper off both.
            inFlight.addLast(new Sending(sender.send(batch), batch.size()));
            if (inFlight.size() >= maxInFlight) {
                Sending oldest = inFlight.removeFirst();
                int confirmed = settle(oldest, sent);
                failed = confirmed < 0;
                sent += Math.max(0, confirmed);
            }
            if (batch.size() < batchSize) {
                break;
            }
        }
        while (!inFlight.isEmpty()) {
            sent += Math.max(0, settle(inFlight.removeFirst(), sent));
        }
        if (sent > 0) {
            LOG.info("Outbox sweep sent {} outstanding message(s)", sent);
        }
        if (retention != null) {
            int deleted = outbox.deleteDispatchedBefore(clock.instant().minus(retention));
            if (deleted > 0) {
                LOG.debug("Outbox sweep deleted {} message(s) dispatched more than {} ago", deleted, retention);
            }
        }
        return sent;
    }

    private record Sending(java.util.concurrent.CompletableFuture<List<java.util.UUID>> future, int size) {}

    /** Waits for one batch; returns how many were confirmed, or -1 when it failed (the sweep then stops claiming). */
    private int settle(Sending sending, int sentSoFar) {
        try {
            return OutboxSender.await(sending.future(), confirmTimeout, () -> sending.size() + " swept message(s)")
                    .size();
        } catch (CourierException e) {
            LOG.warn("Outbox sweep stopped after {} sent: {}", sentSoFar, e.getMessage());
            return -1;
        }
    }

    /** Sweeps every interval on a thread of its own until {@link #close()}. */
    public OutboxSweeper start() {
        scheduler.scheduleWithFixedDelay(this::sweepSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("Outbox sweep failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        marker.shutdownNow();
    }

    /** Configures an {@link OutboxSweeper}; every value is checked as it is set. */
    public static final class Builder {
        private final Outbox outbox;
        private final Producers producers;
        private Clock clock = Clock.systemUTC();
        private Duration minAge = Duration.ofSeconds(5);
        private int batchSize = 100;
        private int maxBatches = 100;
        private int maxInFlight = 4;
        private Duration lease = Duration.ofSeconds(60);
        private Duration interval = Duration.ofSeconds(1);
        private Duration confirmTimeout = Duration.ofSeconds(30);
        private Duration retention;

        private Builder(Outbox outbox, Producers producers) {
            this.outbox = Objects.requireNonNull(outbox, "outbox");
            this.producers = Objects.requireNonNull(producers, "producers").copy();
        }

        /** Only messages at least this old: younger ones are probably still being posted. Default 5 s. */
        public Builder minAge(Duration value) { minAge = notNegative(value, "minAge"); return this; }
        /** Messages claimed and sent at once. Default 100. */
        public Builder batchSize(int value) { batchSize = positive(value, "batchSize"); return this; }
        /** Batches in one pass at most. Default 100. */
        public Builder maxBatchesPerSweep(int value) { maxBatches = positive(value, "maxBatchesPerSweep"); return this; }
        /** How long a claim keeps other sweepers off a batch; longer than confirmTimeout. Default 60 s. */
        public Builder lease(Duration value) { lease = positiveDuration(value, "lease"); return this; }
        /** Batches sent and not yet confirmed at once, so claiming, sending and marking overlap. Default 4. */
        public Builder maxBatchesInFlight(int value) { maxInFlight = positive(value, "maxBatchesInFlight"); return this; }
        /** Pause between passes when started. Default 1 s. */
        public Builder interval(Duration value) { interval = positiveDuration(value, "interval"); return this; }
        /** How long to wait for the broker's confirms. Default 30 s. */
        public Builder confirmTimeout(Duration value) { confirmTimeout = positiveDuration(value, "confirmTimeout"); return this; }
        /**
         * How long dispatched messages are kept (for {@code repost}) before each pass deletes them. Unset by default:
         * then nothing deletes them unless you call {@link Outbox#deleteDispatchedBefore} yourself.
         */
        public Builder retention(Duration value) { retention = positiveDuration(value, "retention"); return this; }
        public Builder clock(Clock value) { clock = Objects.requireNonNull(value, "clock"); return this; }

        public OutboxSweeper build() {
            if (lease.compareTo(confirmTimeout) <= 0) {
                throw new ConfigurationException("lease (" + lease + ") must be longer than confirmTimeout ("
                        + confirmTimeout + "), or another sweeper could send a batch that is still being sent");
            }
            return new OutboxSweeper(this);
        }

        private static Duration notNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative but was " + d);
            }
            return d;
        }

        private static Duration positiveDuration(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive but was " + d);
            }
            return d;
        }

        private static int positive(int value, String what) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive but was " + value);
            }
            return value;
        }
    }
}
