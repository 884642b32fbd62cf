package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Request;
import dev.courier.spi.OutboxTransaction;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Scenario 12: a consumer process SIGKILLed while a handler is running, the moment being chosen by the handler's
 * own record (a row committed as it starts on message n, after which it never finishes). A second process then
 * handles everything: nothing is lost, the interrupted message is handled (finished) exactly once, by the second
 * process, and only what was finished but not yet acknowledged is handled twice: the acks each performer held back
 * for its run ({@code acknowledgeBatch}, default 10), and a message the other performer had finished as the kill came.
 */
class ConsumerKillScenarioTest {
    private static final int MESSAGES = Scale.pick(200, 2000);
    private static final int PERFORMERS = 2;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aConsumerKilledMidHandlingLosesNothingAndItsMessageIsHandledOnceByTheNext() throws Exception {
        long begun = System.nanoTime();
        try (Rig rig = new Rig()) {
            HandlingLog started = new HandlingLog(rig.prefix + "_started");
            started.create();
            try {
                int victim = MESSAGES / 2;
                List<Work> works = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    works.add(new Work(Request.newId(), i));
                }
                Set<UUID> ids = new HashSet<>();
                works.forEach(w -> ids.add(w.id()));
                rig.processor.clearOutbox(rig.processor.depositPost(works, OutboxTransaction.NONE));

                Map<String, String> first = rig.nodeOptions("first");
                first.put("started", started.table());
                first.put("holdOn", Integer.toString(victim));
                first.put("performers", Integer.toString(PERFORMERS));
                UUID victimId;
                long handledBeforeKill;
                try (Node node = Node.start(first)) {
                    victimId = Await.value(WAIT, "the handler's record that it is handling message " + victim,
                            () -> started.idOf(victim));
                    node.kill();
                    handledBeforeKill = rig.handled.distinct();
                }
                Map<String, String> second = rig.nodeOptions("second");
                second.put("started", started.table());
                second.put("performers", Integer.toString(PERFORMERS));
                try (Node node = Node.start(second)) {
                    rig.awaitDrain(MESSAGES, WAIT);
                    assertThat(node.stop()).as("second process stopped cleanly").isTrue();
                }
                Map<UUID, Integer> handlings = rig.handled.handlings();
                Map<UUID, Integer> starts = started.handlings();
                Set<UUID> lost = rig.lost(ids, handlings);
                long duplicates = Rig.duplicates(handlings);
                new Figures("12 consumer SIGKILLed mid-handling (handler's record)", MESSAGES, MESSAGES,
                        handlings.size(), lost.size(), duplicates, rig.deadLetters(),
                        Duration.ofNanos(System.nanoTime() - begun), "killed while handling message " + victim
                                + " (its start recorded, never finished); handled before the kill " + handledBeforeKill
                                + "; the interrupted message started " + starts.get(victimId) + " times, finished "
                                + handlings.get(victimId) + " time(s)").report();
                assertThat(lost).as("lost").isEmpty();
                assertThat(starts.get(victimId)).as("starts of the interrupted message").isEqualTo(2);
                assertThat(handlings.get(victimId)).as("finished handlings of the interrupted message").isEqualTo(1);
                // What the kill cut off comes back: each performer's held acks (a batch less one), and the one
                // message the other performer may have finished just before the kill.
                long bound = PERFORMERS * (RabbitMqConfig.DEFAULT_ACKNOWLEDGE_BATCH - 1L) + PERFORMERS - 1;
                assertThat(duplicates).as("duplicates (at most " + bound + ": held acks and one per other performer)")
                        .isLessThanOrEqualTo(bound);
                assertThat(rig.deadLetters()).as("dead letters").isZero();
            } finally {
                started.drop();
            }
        }
    }
}
