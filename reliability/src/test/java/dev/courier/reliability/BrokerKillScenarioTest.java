package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scenario 14: the broker's VM SIGKILLed (no clean shutdown) while every message sits in a delay hop: half were
 * posted with a delay, half failed their first handling and were requeued with a delay. After the restart every
 * message arrives: the delayed ones are handled once, the requeued ones a second (and last) time.
 */
class BrokerKillScenarioTest {
    private static final int DELAYED = Scale.pick(100, 1000);
    private static final int REQUEUED = Scale.pick(100, 1000);
    private static final Duration DELAY = Duration.ofSeconds(Scale.pick(8, 15));
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aBrokerKilledWithMessagesInDelayAndRetryHopsLosesNone() throws Exception {
        long begun = System.nanoTime();
        try (Rig rig = new Rig()) {
            Map<UUID, AtomicInteger> handlings = new ConcurrentHashMap<>();
            Set<UUID> failOnce = ConcurrentHashMap.newKeySet();
            Map<UUID, Long> enteredHop = new ConcurrentHashMap<>(); // no later than it entered its first delay level
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class, work -> {
                int n = handlings.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet();
                if (n == 1 && failOnce.contains(work.id())) {
                    enteredHop.put(work.id(), System.nanoTime());
                    throw new IllegalStateException("first handling fails: requeued into the retry hop");
                }
            });
            Set<UUID> delayed = new HashSet<>();
            Set<UUID> requeued = new HashSet<>();
            Duration down;
            long killedAt;
            long firstIntoHop = System.nanoTime();
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(rig.producer)).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                            .subscription(rig.subscription().performers(2).requeueCount(3).requeueDelay(DELAY).build())
                            .build().start()) {
                for (int i = 0; i < REQUEUED; i++) {
                    Work work = new Work(Request.newId(), i);
                    failOnce.add(work.id());
                    requeued.add(work.id());
                    rig.processor.post(work);
                }
                Await.until(WAIT, () -> "every failing message requeued: " + dispatcher.state(rig.topic),
                        () -> dispatcher.state(rig.topic).requeued() == REQUEUED);
                for (int i = 0; i < DELAYED; i++) {
                    Work work = new Work(Request.newId(), REQUEUED + i);
                    delayed.add(work.id());
                    enteredHop.put(work.id(), System.nanoTime());
                    rig.processor.post(work, DELAY); // returns once the broker confirmed it (into the delay hop)
                }
                assertThat(handlings.keySet()).as("nothing delayed handled yet").doesNotContainAnyElementsOf(delayed);
                down = Services.killBrokerAndRestart();
                killedAt = System.nanoTime() - down.toNanos();
                assertThat(Duration.ofNanos(killedAt - firstIntoHop))
                        .as("the kill came before the first message could leave its hop (else this tests nothing)")
                        .isLessThan(DELAY);
                Set<UUID> all = new HashSet<>(delayed);
                all.addAll(requeued);
                Await.until(WAIT, () -> "every message handled after the restart: " + handlings.size() + " of "
                        + all.size() + "; " + dispatcher.state(rig.topic), () -> requeued.stream().allMatch(
                                id -> handlings.get(id).get() >= 2) && handlings.keySet().containsAll(delayed));
            } finally {
                Services.startBrokerAndWait();
            }
            long lost = delayed.stream().filter(id -> !handlings.containsKey(id)).count()
                    + requeued.stream().filter(id -> handlings.get(id).get() < 2).count();
            long duplicates = delayed.stream().mapToLong(id -> handlings.get(id).get() - 1).sum()
                    + requeued.stream().mapToLong(id -> handlings.get(id).get() - 2).sum();
            // Nothing was in a consumer's hands at the kill (all waited in delay levels). The levels dead-letter at
            // least once: a message the kill caught between two levels may come out twice. That can only be one
            // that had already waited out its first level (the delay's highest bit) when the broker died.
            long firstLevel = TimeUnit.MILLISECONDS.toNanos(Long.highestOneBit(DELAY.toMillis()));
            long bound = enteredHop.values().stream().filter(at -> killedAt - at >= firstLevel).count();
            new Figures("14 broker SIGKILLed, messages in delay and retry hops", DELAYED + REQUEUED,
                    DELAYED + REQUEUED, handlings.size(), lost, duplicates, rig.deadLetters(),
                    Duration.ofNanos(System.nanoTime() - begun), DELAYED + " posted with delay " + DELAY.toSeconds()
                            + " s, " + REQUEUED + " requeued with delay " + DELAY.toSeconds() + " s; broker down (kill "
                            + "to first connection) " + down.toMillis() + " ms; unroutable "
                            + rig.transport.unroutableCount() + "; past their first level at the kill: " + bound).report();
            assertThat(lost).as("lost").isZero();
            assertThat(duplicates).as("duplicates (bound: messages past their first level at the kill)")
                    .isLessThanOrEqualTo(bound);
            assertThat(rig.deadLetters()).as("dead letters").isZero();
        }
    }
}
