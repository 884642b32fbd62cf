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
 * Scenario 1: the broker is stopped and started several times ({@code rabbitmqctl stop_app / start_app}) while
 * messages are posted through the JDBC outbox, and one consumer process is killed with SIGKILL. With the inbox on,
 * nothing is lost and nothing is handled twice.
 */
class BrokerRestartScenarioTest {
    private static final int MESSAGES = Scale.pick(1_000, 10_000);
    private static final int RESTARTS = Scale.pick(1, 3);

    @Test
    void brokerRestartsAndAKilledConsumerLoseNothingAndTheInboxAllowsNoDuplicate() throws Exception {
        long started = System.nanoTime();
        try (Rig rig = new Rig()) {
            Map<String, String> options = rig.nodeOptions("consumer");
            options.put("inbox", rig.inboxTable);
            Node first = Node.start(options);
            Node second = Node.start(options);
            Node replacement = null;
            rig.startSweeper(Duration.ofSeconds(1));
            // Paced so that posting spans the restarts: the kill must land while messages are still flowing.
            Posting posting = new Posting(rig, MESSAGES, 20, true).paced(Scale.pick(100, 500));
            Thread poster = new Thread(posting, "poster");
            poster.start();
            try {
                for (int r = 1; r <= RESTARTS; r++) {
                    int mark = MESSAGES * r / (RESTARTS + 2);
                    Await.until(Duration.ofSeconds(120), mark + " committed", () -> posting.committed.size() >= mark);
                    try {
                        Services.stopBroker();
                        LockSupport.parkNanos(Duration.ofSeconds(2).toNanos()); // pacing: stay down a while
                    } finally {
                        Services.startBrokerAndWait();
                    }
                    if (r == 1) {
                        long before = rig.handled.distinct();
                        Await.until(Duration.ofSeconds(60), () -> "handling to resume after the restart: "
                                + rig.handled.distinct() + " handled (" + before + " at the restart), "
                                + posting.committed.size() + " committed",
                                () -> rig.handled.distinct() > before + 20);
                        first.kill();
                        replacement = Node.start(options);
                    }
                }
                poster.join(Duration.ofMinutes(5).toMillis());
                assertThat(posting.failure()).isNull();
                rig.awaitDrain(posting.committed.size(), Duration.ofSeconds(Scale.pick(90, 180)));
                second.stop();
                replacement.stop();
            } finally {
                first.close();
                second.close();
                if (replacement != null) {
                    replacement.close();
                }
                Services.startBrokerAndWait();
            }
            Map<UUID, Integer> handlings = rig.handled.handlings();
            Map<UUID, Boolean> rows = rig.outboxRows();
            Set<UUID> lost = rig.lost(posting.committed, handlings);
            new Figures("1 broker restarts x" + RESTARTS + " + SIGKILL, inbox on", posting.attempted.get(),
                    rows.values().stream().filter(d -> d).count(), handlings.size(), lost.size(),
                    Rig.duplicates(handlings), rig.deadLetters(), Duration.ofNanos(System.nanoTime() - started),
                    posting.sendFailures.get() + " immediate sends failed, swept later")
                    .report();
            assertThat(posting.committed).hasSize(MESSAGES);
            assertThat(lost).as("lost").isEmpty();
            // The handler's record and its inbox entry commit in one transaction (@InTransaction around @UseInbox):
            // a handling the SIGKILL cut short committed nothing, and every redelivery (the kill's and three broker
            // restarts' worth) is absorbed by the inbox.
            assertThat(Rig.duplicates(handlings)).as("duplicate handlings").isZero();
        }
    }
}
