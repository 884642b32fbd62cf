package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.test.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario 10: a network blackhole between the consumers and the broker. Two consumer processes reach RabbitMQ only
 * through a TCP proxy in this JVM ({@link Blackhole}); the posting side (outbox, sweeper) connects directly. While
 * messages keep being posted, the proxy is frozen for 20 s (short form: 14 s): connections stay open, nothing
 * passes, no new connection is accepted. No socket error tells either side: the consumers, with a 2 s AMQP
 * heartbeat, must notice the silence themselves, and so must the broker. After the heal, handling must resume and
 * every committed message be handled. The inbox is off, so a message handled while its ack was stuck in the
 * blackhole is redelivered and handled again: duplicates are counted, and bounded by what can be unacknowledged.
 */
class NetworkBlackholeScenarioTest {
    /** Short form 14 s: the broker drops a silent connection after about 6-7 s, polled by rabbitmqctl on a loaded machine. */
    private static final Duration FREEZE = Duration.ofSeconds(Scale.pick(14, 20));
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final int RATE = Scale.pick(100, 250);
    /** Posting spans a few seconds of warm-up, the whole freeze and about 6 s after the heal. */
    private static final int MESSAGES = RATE * (int) (FREEZE.toSeconds() + 8);
    private static final int NODES = 2;
    private static final int PERFORMERS = 2;
    private static final int PREFETCH = 50;
    /** A handshake that hung in the frozen proxy's backlog times out after 10 s, then 1 s to the next attempt. */
    private static final Duration RESUME_WITHIN = Duration.ofSeconds(20);
    private static final String MISSED_HEARTBEAT = "Heartbeat missing";

    @Test
    void aFrozenConnectionIsDetectedByHeartbeatsAndNothingIsLostAfterItHeals() throws Exception {
        long started = System.nanoTime();
        try (Rig rig = new Rig(); Blackhole blackhole = Blackhole.toBroker()) {
            Map<String, String> options = rig.nodeOptions("consumer");
            options.put("uri", blackhole.uri());
            options.put("heartbeatS", Long.toString(HEARTBEAT.toSeconds()));
            options.put("recoveryMs", "1000");
            options.put("performers", Integer.toString(PERFORMERS));
            options.put("prefetch", Integer.toString(PREFETCH));
            String consumerName = options.get("name");
            List<Node> nodes = new ArrayList<>();
            Posting posting = new Posting(rig, MESSAGES, 10, true).paced(RATE);
            Thread poster = new Thread(posting, "poster");
            Instant frozeAt;
            long frozeNanos;
            long healedNanos;
            Duration brokerDropped = null;
            long handledWhileFrozen;
            Duration resumed;
            int proxiedBefore;
            int proxiedAfter;
            try {
                for (int i = 0; i < NODES; i++) {
                    nodes.add(Node.start(options));
                }
                rig.startSweeper(Duration.ofSeconds(1));
                poster.start();
                Await.until(Duration.ofSeconds(60), () -> "handling under way: " + rig.handled.distinct()
                        + " handled", () -> rig.handled.distinct() >= RATE);
                List<String> open = Services.connections(consumerName);
                assertThat(open).as("the consumers' broker connections").hasSizeGreaterThanOrEqualTo(NODES);
                proxiedBefore = blackhole.connectionsAccepted();

                frozeAt = Instant.now();
                frozeNanos = System.nanoTime();
                long healDue = frozeNanos + FREEZE.toNanos();
                blackhole.freeze();
                try {
                    // The broker's side: it, too, hears nothing and must drop the connections by its heartbeat.
                    // Each rabbitmqctl call takes about a second; that is this loop's poll interval.
                    while (System.nanoTime() < healDue - 1_000_000_000L) {
                        if (Collections.disjoint(Services.connections(consumerName), open)) {
                            brokerDropped = Duration.ofNanos(System.nanoTime() - frozeNanos);
                            break;
                        }
                    }
                    // Deliveries already in a consumer's buffer at the freeze may still be handled for a moment;
                    // from 2 s on nothing can be, unless a consumer reaches the broker around the proxy.
                    LockSupport.parkNanos(frozeNanos + 2_000_000_000L - System.nanoTime()); // pacing
                    long handledEarly = rig.handled.distinct();
                    LockSupport.parkNanos(healDue - System.nanoTime()); // pacing: the blackhole lasts FREEZE
                    handledWhileFrozen = rig.handled.distinct() - handledEarly;
                } finally {
                    blackhole.unfreeze();
                }
                healedNanos = System.nanoTime();
                long atHeal = rig.handled.distinct();
                Await.until(RESUME_WITHIN, () -> "handling to resume after the heal: " + rig.handled.distinct()
                        + " handled, " + atHeal + " at the heal", () -> rig.handled.distinct() > atHeal);
                resumed = Duration.ofNanos(System.nanoTime() - healedNanos);
                poster.join(Duration.ofMinutes(3).toMillis());
                assertThat(posting.failure()).isNull();
                rig.awaitDrain(posting.committed.size(), Duration.ofSeconds(Scale.pick(60, 120)));
                proxiedAfter = blackhole.connectionsAccepted();
                for (Node node : nodes) {
                    node.stop();
                }
            } finally {
                if (blackhole.frozen()) {
                    blackhole.unfreeze();
                }
                nodes.forEach(Node::close);
            }

            List<Duration> detected = new ArrayList<>(); // null for a node that logged no missed heartbeat
            for (Node node : nodes) {
                Instant at = node.loggedAt(MISSED_HEARTBEAT);
                detected.add(at == null ? null : Duration.between(frozeAt, at));
            }
            Map<UUID, Integer> handlings = rig.handled.handlings();
            Map<UUID, Boolean> rows = rig.outboxRows();
            Set<UUID> lost = rig.lost(posting.committed, handlings);
            long duplicates = Rig.duplicates(handlings);
            int unackedAtMost = NODES * PERFORMERS * PREFETCH;
            new Figures("10 network blackhole " + FREEZE.toSeconds() + " s (proxy frozen), heartbeat "
                    + HEARTBEAT.toSeconds() + " s", posting.attempted.get(),
                    rows.values().stream().filter(d -> d).count(), handlings.size(), lost.size(), duplicates,
                    rig.deadLetters(), Duration.ofNanos(System.nanoTime() - started),
                    "consumers detected the silence by missed heartbeats after (ms) " + millis(detected)
                    + "; the broker dropped their connections after " + (brokerDropped == null ? "-"
                            : brokerDropped.toMillis()) + " ms; handled while frozen: " + handledWhileFrozen
                    + "; handling resumed " + resumed.toMillis() + " ms after the heal; proxy connections "
                    + proxiedBefore + " before, " + proxiedAfter + " after; inbox off: duplicates are redeliveries "
                    + "of messages whose acks the blackhole swallowed (at most " + unackedAtMost + ")").report();

            assertThat(posting.committed).as("committed").hasSize(MESSAGES);
            assertThat(lost).as("lost").isEmpty();
            assertThat(handledWhileFrozen).as("messages handled while the proxy was frozen").isZero();
            assertThat(detected).as("time from freeze to each consumer's missed-heartbeat report (see the node logs "
                    + nodes.stream().map(n -> n.log().toString()).collect(Collectors.joining(", ")) + ")")
                    .allSatisfy(d -> assertThat(d).isNotNull().isPositive().isLessThan(FREEZE));
            assertThat(brokerDropped).as("the broker dropping the frozen connections within the freeze").isNotNull();
            assertThat(proxiedAfter).as("connections through the proxy (reconnects after the heal)")
                    .isGreaterThan(proxiedBefore);
            assertThat(duplicates).as("duplicate handlings").isLessThanOrEqualTo(unackedAtMost);
        }
    }

    private static String millis(List<Duration> durations) {
        return durations.stream().map(d -> d == null ? "none" : Long.toString(d.toMillis()))
                .collect(Collectors.joining(", "));
    }
}
