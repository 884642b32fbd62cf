package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.spi.OutboxTransaction;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scenario 15: a RabbitMQ memory alarm (watermark set near zero) while a backlog is consumed, every 100th handling
 * fails once (requeue copies need publishing), and the business side keeps posting through the outbox. During the
 * alarm consumption goes on and the channel shows BLOCKED; posting fails visibly (rows stay outstanding); once the
 * alarm clears the sweeper sends them and everything drains. Nothing is lost.
 */
class MemoryAlarmScenarioTest {
    private static final int BACKLOG = Scale.pick(300, 2000);
    private static final int POSTED = Scale.pick(300, 2000);
    private static final int FAIL_EVERY = 100;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void consumptionGoesOnDuringAMemoryAlarmAndPostingResumesWhenItClears() throws Exception {
        long begun = System.nanoTime();
        String watermark = Services.ctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().").strip();
        try (Rig rig = new Rig()) {
            List<Work> backlog = new ArrayList<>();
            for (int i = 0; i < BACKLOG; i++) {
                backlog.add(new Work(Request.newId(), i));
            }
            rig.processor.clearOutbox(rig.processor.depositPost(backlog, OutboxTransaction.NONE));
            Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
            Set<UUID> failedOnce = ConcurrentHashMap.newKeySet();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class, work -> {
                if (work.n() % FAIL_EVERY == 0 && failedOnce.add(work.id())) {
                    throw new IllegalStateException("fails once: " + work.n());
                }
                handled.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet();
            });
            RabbitMqTransport consumerTransport = RabbitMqTransport.connect(RabbitMqConfig.builder()
                    .uri(Services.RABBITMQ_URI).exchange(rig.exchange).connectionName(rig.prefix + "-consumer")
                    .confirmTimeout(Duration.ofSeconds(2)).recoveryInterval(Duration.ofSeconds(1)).build());
            Posting posting = new Posting(rig, POSTED, 20, true).paced(100);
            Thread poster = new Thread(posting, "poster");
            int handledDuringAlarm;
            AtomicBoolean blockedSeen = new AtomicBoolean();
            long alarmMillis;
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(consumerTransport.producer())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                            .subscription(subscription(rig, consumerTransport)).build()) {
                rig.startSweeper(Duration.ofSeconds(1));
                Services.ctl("set_vm_memory_high_watermark", "0.0000001");
                long alarmOn = System.nanoTime();
                try {
                    poster.start();
                    dispatcher.start();
                    // Every backlog message that does not fail is handled while the alarm is on.
                    Await.until(WAIT, () -> "the backlog handled during the alarm: " + handled.size() + " of "
                            + BACKLOG + "; " + dispatcher.state(rig.topic), () -> {
                                if (dispatcher.state(rig.topic).status() == ChannelState.Status.BLOCKED) {
                                    blockedSeen.set(true);
                                }
                                return backlog.stream().filter(w -> w.n() % FAIL_EVERY != 0)
                                        .allMatch(w -> handled.containsKey(w.id())) && blockedSeen.get();
                            });
                    handledDuringAlarm = handled.size();
                } finally {
                    // Before anything closes: a close on a blocked connection waits until the alarm clears.
                    Services.ctl("set_vm_memory_high_watermark", watermark);
                    alarmMillis = Duration.ofNanos(System.nanoTime() - alarmOn).toMillis();
                }
                poster.join(WAIT.toMillis());
                assertThat(posting.failure()).isNull();
                Set<UUID> expected = new HashSet<>(posting.committed);
                backlog.forEach(w -> expected.add(w.id()));
                Await.until(WAIT, () -> "everything drained after the alarm: " + handled.size() + " of "
                        + expected.size() + ", outbox outstanding " + rig.outstanding() + "; "
                        + dispatcher.state(rig.topic), () -> handled.keySet().containsAll(expected)
                                && rig.outstanding() == 0);
            } finally {
                Services.ctl("set_vm_memory_high_watermark", watermark);
                consumerTransport.close();
            }
            Set<UUID> expected = new HashSet<>(posting.committed);
            backlog.forEach(w -> expected.add(w.id()));
            long lost = expected.stream().filter(id -> !handled.containsKey(id)).count();
            long duplicates = handled.values().stream().mapToLong(n -> n.get() - 1).sum();
            long bound = failedOnce.size() + (long) posting.sendFailures.get() * 20 + 4 * 500;
            new Figures("15 memory alarm during posting and requeues", BACKLOG + posting.attempted.get(),
                    rig.outboxRows().values().stream().filter(d -> d).count(), handled.size(),
                    lost, duplicates, rig.deadLetters(), Duration.ofNanos(System.nanoTime() - begun), "alarm held "
                            + alarmMillis + " ms; handled during the alarm " + handledDuringAlarm + " of a backlog of "
                            + BACKLOG + " (every " + FAIL_EVERY + "th failing once: " + failedOnce.size()
                            + " requeues); channel shown BLOCKED: " + blockedSeen.get() + "; immediate sends that "
                            + "failed visibly during the alarm: " + posting.sendFailures.get()).report();
            assertThat(lost).as("lost").isZero();
            assertThat(blockedSeen.get()).as("channel shown BLOCKED").isTrue();
            // A requeue copy or a send that timed out while blocked may still reach the broker once the alarm
            // clears, and is then handled besides the message it stood for.
            assertThat(duplicates).as("duplicates (at most one per requeue, per failed send's batch and per "
                    + "sweeper batch in flight)").isLessThanOrEqualTo(bound);
            assertThat(rig.deadLetters()).as("dead letters").isZero();
        } finally {
            Services.ctl("set_vm_memory_high_watermark", watermark);
        }
    }

    private static Subscription subscription(Rig rig, RabbitMqTransport transport) {
        return Subscription.builder(rig.topic, Work.class).transport(transport).performers(2).prefetch(20)
                .requeueCount(3).requeueDelay(Duration.ofMillis(200)).build();
    }
}
