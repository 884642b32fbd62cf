package dev.courier.runtime;

import dev.courier.ConfigurationException;
import dev.courier.CourierException;
import dev.courier.CourierListener;
import dev.courier.MessageRefusedException;
import dev.courier.OutboxException;
import dev.courier.Producers;
import dev.courier.internal.Futures;
import dev.courier.internal.OutboxSender;
import dev.courier.internal.PartlySentException;
import dev.courier.internal.SafeListener;
import dev.courier.message.Message;
import dev.courier.spi.NamedThreadFactory;
import dev.courier.spi.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * sent at least once; consumers that must not handle it twice use an inbox. A sweeper also deletes the messages
 * dispatched longer ago than its {@link OutboxSweeperBuilder#retention} (7 days unless set; {@link OutboxSweeperBuilder#keepDispatched()} turns
 * it off), at most once a minute, so that the outbox does not grow without end.
 *
 * <pre>{@code
 * OutboxSweeper sweeper = OutboxSweeper.builder(outbox, producers)
 *         .minAge(Duration.ofSeconds(5)).retention(Duration.ofDays(3)).build();
 * sweeper.start();   // every interval; or call sweep() yourself
 * }</pre>
 */
public final class OutboxSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxSweeper.class);

    private final Outbox outbox;
    private final OutboxSender sender;
    private final CourierListener listener;
    private volatile Instant lastPass;
    private volatile String lastFailure;
    private final Clock clock;
    private final Duration minAge;
    private final int batchSize;
    private final int maxBatches;
    private final int maxInFlight;
    private final int parkAfter;
    private final Duration lease;
    private final Duration interval;
    private final Duration confirmTimeout;
    /** How long dispatched messages are kept by default. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** After this many refusals by the broker, a message is parked. */
    public static final int DEFAULT_PARK_AFTER = 5;
    private static final Duration RETENTION_EVERY = Duration.ofMinutes(1);

    private final Duration retention;
    private volatile Instant lastRetention;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService marker;
    private final ExecutorService claimer;

    OutboxSweeper(OutboxSweeperBuilder b) {
        this.outbox = b.outbox;
        this.clock = b.clock;
        this.minAge = b.minAge;
        this.batchSize = b.batchSize;
        this.maxBatches = b.maxBatches;
        this.maxInFlight = b.maxInFlight;
        this.parkAfter = b.parkAfter;
        this.lease = b.lease;
        this.interval = b.interval;
        this.confirmTimeout = b.confirmTimeout;
        this.retention = b.retention;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("courier-sweeper"));
        this.marker = Executors.newCachedThreadPool(new NamedThreadFactory("courier-sweeper-mark"));
        this.claimer = Executors.newSingleThreadExecutor(new NamedThreadFactory("courier-sweeper-claim"));
        this.listener = SafeListener.of(b.listeners);
        this.sender = new OutboxSender(b.producers, b.outbox, b.clock, marker, listener);
    }

    public static OutboxSweeperBuilder builder(Outbox outbox, Producers producers) {
        return new OutboxSweeperBuilder(outbox, producers);
    }

    /**
     * One pass: claims batches of outstanding messages older than the minimum age and sends them, until a batch
     * comes back short, a send fails, or the per-pass batch limit is reached; then, with a retention, deletes the
     * messages dispatched longer ago than that. Returns how many were confirmed.
     *
     * <p>Up to {@code maxBatchesInFlight} batches are claimed and not yet settled (confirmed and marked dispatched)
     * at once; batches already confirmed and marked leave first, without waiting. While one batch is being
     * published, the next is claimed on the sweeper's claim thread, as long as there will be room for it: so the
     * database and the broker work at the same time, and a claimed batch never waits for room before it is sent.
     */
    public int sweep() {
        Pass pass = new Pass();
        Deque<Sending> inFlight = pass.inFlight;
        CompletableFuture<List<Message>> ahead = null;
        try {
            List<Message> batch = claim();
            int claimed = 1;
            while (!batch.isEmpty()) {
                boolean last = batch.size() < batchSize || claimed >= maxBatches;
                // Batches confirmed and marked already hold no room: settle them without waiting, so that while
                // confirms and marks keep up the next claim runs as this batch is published, not after it. A failed
                // one waits for the settling below, as before: it can throw, and this batch is claimed, not sent.
                while (!inFlight.isEmpty() && inFlight.peekFirst().future().isDone()
                        && !inFlight.peekFirst().future().isCompletedExceptionally()) {
                    pass.settleOldest();
                }
                if (!last && inFlight.size() + 2 <= maxInFlight) {
                    // Claim the next batch while this one is published: there is room for both.
                    ahead = CompletableFuture.supplyAsync(this::claim, claimer);
                    claimed++;
                }
                inFlight.addLast(new Sending(sender.send(batch), batch));
                pass.taken += batch.size();
                if (ahead != null) {
                    batch = join(ahead);
                    ahead = null;
                    continue;
                }
                // No room for another batch: settle the oldest first. A failed one stops the claiming.
                while (!last && !pass.failed && inFlight.size() >= maxInFlight) {
                    pass.settleOldest();
                }
                if (last || pass.failed) {
                    break;
                }
                batch = claim();
                claimed++;
            }
        } finally {
            if (ahead != null) {
                // Only when this pass fails on its way out: wait for the claim, so that the pass leaves nothing
                // running; what it claimed stays leased until the lease ends, as a failed pass's batches do.
                ahead.handle((ignored, e) -> null).join();
            }
        }
        while (!inFlight.isEmpty()) {
            pass.settleOldest();
        }
        int sent = pass.sent;
        int taken = pass.taken;
        if (sent > 0) {
            LOG.info("Outbox sweep sent {} outstanding message(s)", sent);
        }
        listener.swept(sent, taken - sent);
        lastPass = clock.instant();
        lastFailure = null;
        Instant now = clock.instant();
        if (retention != null && (lastRetention == null || !now.isBefore(lastRetention.plus(RETENTION_EVERY)))) {
            lastRetention = now;
            int deleted = outbox.deleteDispatchedBefore(now.minus(retention));
            if (deleted > 0) {
                LOG.debug("Outbox sweep deleted {} message(s) dispatched more than {} ago", deleted, retention);
            }
        }
        return sent;
    }

    private List<Message> claim() {
        return outbox.claimOutstanding(clock.instant().minus(minAge), batchSize, lease);
    }

    /** The claimed batch, or the claim's own exception (an {@link OutboxException} when the outbox failed). */
    private static List<Message> join(CompletableFuture<List<Message>> claim) {
        try {
            return claim.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** One pass's batches in flight, oldest first, and its counts. */
    private final class Pass {
        final Deque<Sending> inFlight = new ArrayDeque<>();
        int sent;
        int taken;
        boolean failed;

        /** Settles the oldest batch in flight, waiting for it; one of which nothing was confirmed stops claiming. */
        void settleOldest() {
            int confirmed = settle(inFlight.removeFirst(), sent);
            failed |= confirmed < 0;
            sent += Math.max(0, confirmed);
        }
    }

    private record Sending(CompletableFuture<List<UUID>> future, List<Message> batch) {
        int size() {
            return batch.size();
        }
    }

    /**
     * Waits for one batch; returns how many were confirmed, or -1 when none was (the sweep then stops claiming). A
     * batch in which only some messages failed (one too large, one unroutable) counts what was sent: the failed ones
     * wait for their lease to end and are tried again, and they hold up nothing else.
     */
    private int settle(Sending sending, int sentSoFar) {
        try {
            return Futures.await(sending.future(), confirmTimeout, () -> sending.size() + " swept message(s)")
                    .size();
        } catch (PartlySentException e) {
            LOG.warn("Outbox sweep: {}", e.getMessage());
            e.failed().forEach(this::refused);
            return e.sent().isEmpty() ? -1 : e.sent().size();
        } catch (CourierException e) {
            if (sending.size() == 1) {
                refused(sending.batch().get(0).id(), e);
            }
            LOG.warn("Outbox sweep stopped after {} sent: {}", sentSoFar, e.getMessage());
            return -1;
        }
    }

    /**
     * Counts a send the broker refused for the message itself ({@link MessageRefusedException} anywhere in the
     * cause chain); after {@code parkAfter} such refusals the outbox parks the message. Other failures (the broker
     * unreachable, a confirm timeout) say nothing about the message and are not counted.
     */
    private void refused(UUID id, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MessageRefusedException) {
                if (outbox.recordRefusal(id, t.getMessage(), clock.instant(), parkAfter)) {
                    LOG.error("Outbox message {} parked after {} refusals; repost it once fixed: {}", id, parkAfter,
                            t.getMessage());
                }
                return;
            }
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
            lastFailure = e.toString();
            LOG.warn("Outbox sweep failed: {}", e.toString());
        }
    }

    /** When the last pass ended (by the sweeper's clock); empty before the first. For health checks. */
    public Optional<Instant> lastPass() {
        return Optional.ofNullable(lastPass);
    }

    /** Why the last started pass failed, while no pass has ended since; empty otherwise. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        marker.shutdownNow();
        claimer.shutdownNow();
    }
}
