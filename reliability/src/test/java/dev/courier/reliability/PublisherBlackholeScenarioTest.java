package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.test.Await;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Scenario 11: the <em>posting</em> side black-holed. The processor and its sweeper reach RabbitMQ through a proxy
 * that freezes mid-run (connections stay open, nothing is forwarded), while the consumers reach the broker directly.
 * Posts made during the freeze cannot be confirmed: each fails visibly after the confirm timeout and its rows stay
 * outstanding; heartbeats drop the frozen connection; once the proxy heals the client reconnects and the sweeper
 * sends what is outstanding. Every committed message is handled: 0 lost. Duplicates are bounded by what was
 * published but not confirmed at the freeze (the poster's batch of 10 and the sweeper's batches in flight).
 */
class PublisherBlackholeScenarioTest {
    private static final Duration FREEZE = Duration.ofSeconds(Scale.pick(8, 15));
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final int RATE = Scale.pick(100, 250);
    private static final int MESSAGES = RATE * (int) (FREEZE.toSeconds() + 6);

    @Test
    void aFrozenPublisherConnectionLosesNothingAndTheSweeperSendsWhatWasLeftOutstanding() throws Exception {
        long started = System.nanoTime();
        try (Blackhole blackhole = Blackhole.toBroker(); Rig rig = new Rig(blackhole.uri(), HEARTBEAT)) {
            Node consumer = Node.start(rig.nodeOptions("consumer"));
            Posting posting = new Posting(rig, MESSAGES, 10, true).paced(RATE);
            Thread poster = new Thread(posting, "poster");
            long handledWhileFrozen;
            Duration resumed;
            try {
                rig.startSweeper(Duration.ofSeconds(1));
                poster.start();
                Await.until(Duration.ofSeconds(60), () -> "handling under way: " + rig.handled.distinct(),
                        () -> rig.handled.distinct() >= RATE);

                long frozeNanos = System.nanoTime();
                blackhole.freeze();
                try {
                    LockSupport.parkNanos(Duration.ofSeconds(2).toNanos()); // pacing: in-flight deliveries land
                    long early = rig.handled.distinct();
                    LockSupport.parkNanos(frozeNanos + FREEZE.toNanos() - System.nanoTime()); // pacing: the freeze
                    handledWhileFrozen = rig.handled.distinct() - early;
                } finally {
                    blackhole.unfreeze();
                }
                long healed = System.nanoTime();
                long atHeal = rig.handled.distinct();
                Await.until(Duration.ofSeconds(60), () -> "handling to resume after the heal: "
                        + rig.handled.distinct() + " handled, " + atHeal + " at the heal",
                        () -> rig.handled.distinct() > atHeal);
                resumed = Duration.ofNanos(System.nanoTime() - healed);
                poster.join(Duration.ofMinutes(3).toMillis());
                assertThat(posting.failure()).isNull();
                rig.awaitDrain(posting.committed.size(), Duration.ofSeconds(Scale.pick(90, 150)));
                consumer.stop();
            } finally {
                if (blackhole.frozen()) {
                    blackhole.unfreeze();
                }
                poster.interrupt();
                consumer.close();
            }
            Map<UUID, Integer> handlings = rig.handled.handlings();
            Set<UUID> lost = rig.lost(posting.committed, handlings);
            long duplicates = Rig.duplicates(handlings);
            new Figures("11 posting side black-holed " + FREEZE.toSeconds() + " s, heartbeat "
                    + HEARTBEAT.toSeconds() + " s", posting.attempted.get(),
                    rig.outboxRows().values().stream().filter(d -> d).count(), handlings.size(), lost.size(),
                    duplicates, rig.deadLetters(), Duration.ofNanos(System.nanoTime() - started),
                    "immediate sends that failed visibly: " + posting.sendFailures.get() + "; handled while frozen: "
                            + handledWhileFrozen + " (what was already queued); handling of new posts resumed "
                            + resumed.toMillis() + " ms after the heal").report();
            assertThat(posting.commitFailures.get()).as("commits (PostgreSQL is not behind the proxy)").isZero();
            assertThat(posting.sendFailures.get()).as("posts during the freeze fail visibly").isPositive();
            assertThat(lost).as("lost").isEmpty();
            // Bound: a message is handled twice only if it reached the broker but its confirm did not come back
            // before the connection died, so the sweeper sent it again: the poster's batch (10) and the sweeper's
            // batches in flight (4 x 500) at the freeze.
            assertThat(duplicates).as("duplicate handlings (at most 10 + 4 x 500)").isLessThanOrEqualTo(2_010);
        }
    }
}
