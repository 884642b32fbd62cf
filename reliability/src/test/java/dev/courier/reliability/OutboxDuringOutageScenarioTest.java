package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.test.Await;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Scenario 3: the broker is down while business transactions commit with {@code depositPost}; the immediate send
 * fails visibly, every row stays outstanding, and the sweeper sends them all soon after the broker is back.
 */
class OutboxDuringOutageScenarioTest {
    private static final int TRANSACTIONS = Scale.pick(200, 1_000);

    @Test
    void rowsCommittedWhileTheBrokerIsDownStayOutstandingAndAreSweptSoonAfterItReturns() throws Exception {
        long started = System.nanoTime();
        try (Rig rig = new Rig()) {
            Node consumer = Node.start(rig.nodeOptions("consumer"));
            Posting posting = new Posting(rig, TRANSACTIONS, 1, true);
            long outstandingWhileDown;
            Duration sweptIn;
            try {
                try {
                    Services.stopBroker();
                    posting.run(); // 1,000 business transactions, one message each, while the broker is down
                    outstandingWhileDown = rig.outstanding();
                    rig.startSweeper(Duration.ZERO);
                } finally {
                    Services.startBrokerAndWait();
                }
                long back = System.nanoTime();
                Await.until(Duration.ofSeconds(30), "every outstanding row swept within 30 s of the broker's return",
                        () -> rig.outstanding() == 0);
                sweptIn = Duration.ofNanos(System.nanoTime() - back);
                rig.awaitDrain(posting.committed.size(), Duration.ofSeconds(60));
                consumer.stop();
            } finally {
                consumer.close();
                Services.startBrokerAndWait();
            }
            Map<UUID, Integer> handlings = rig.handled.handlings();
            Set<UUID> lost = rig.lost(posting.committed, handlings);
            new Figures("3 broker down during " + TRANSACTIONS + " commits", posting.attempted.get(),
                    rig.outboxRows().values().stream().filter(d -> d).count(), handlings.size(), lost.size(),
                    Rig.duplicates(handlings), rig.deadLetters(), Duration.ofNanos(System.nanoTime() - started),
                    "sends failed visibly: " + posting.sendFailures.get() + "; outstanding while down: "
                            + outstandingWhileDown + "; all swept " + sweptIn.toMillis() + " ms after the broker "
                            + "answered again").report();
            assertThat(posting.commitFailures.get()).isZero();
            assertThat(posting.sendFailures.get()).as("every immediate send failed visibly").isEqualTo(TRANSACTIONS);
            assertThat(outstandingWhileDown).isEqualTo(TRANSACTIONS);
            assertThat(sweptIn).isLessThan(Duration.ofSeconds(30));
            assertThat(lost).as("lost").isEmpty();
            // Bound: a message is sent twice only if an immediate send that failed visibly had still reached the
            // broker, and the sweeper then sent it again: at most one per failed send.
            assertThat(Rig.duplicates(handlings)).as("duplicate handlings (at most one per failed send)")
                    .isLessThanOrEqualTo(posting.sendFailures.get());
        }
    }
}
