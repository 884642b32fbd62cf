package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelState;
import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A memory alarm on the broker blocks publishers. Requeue and dead-letter copies go out on the transport's publishing
 * connection, so the consuming connection keeps receiving and acknowledging: consumption continues while the alarm
 * is on, the channel shows BLOCKED with the broker's reason, and everything resumes when it clears. Every message is
 * counted: none lost; a message handled successfully twice is a duplicate, bounded by the requeue copies that timed
 * out during the alarm (each may still arrive once the broker reads the blocked connection again).
 */
class RabbitMqMemoryAlarmTest {
    private static final int MESSAGES = 200;
    private static final int FAIL_EVERY = 25;
    private static final Duration WAIT = Duration.ofSeconds(60);

    record Work(UUID id, int n) implements Command {}

    @Test
    void consumptionContinuesUnderAMemoryAlarmAndTheChannelShowsBlocked() throws Exception {
        String watermark = TestBroker.ctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().").strip();
        Map<Integer, AtomicInteger> successes = new ConcurrentHashMap<>();
        Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
        Set<ChannelState.Status> seen = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        Dispatcher dispatcher = null;
        try (RabbitMqTransportFixture fixture = new RabbitMqTransportFixture(b -> b.confirmTimeout(Duration.ofSeconds(3)))) {
            String topic = fixture.uniqueTopic("alarm");
            fixture.subscription(topic);
            RequestHandler<Work> handler = work -> {
                if (work.n() % FAIL_EVERY == 0 && failedOnce.add(work.n())) {
                    throw new IllegalStateException("fails once: " + work.n());
                }
                successes.computeIfAbsent(work.n(), n -> new AtomicInteger()).incrementAndGet();
            };
            try (CommandProcessor processor = CommandProcessor.builder()
                    .handlers(new HandlerRegistry().register(Work.class, handler))
                    .mappers(new MessageMappers().json(Work.class, topic)).producers(Producers.of(fixture.transport()))
                    .build()) {
                for (int n = 1; n <= MESSAGES; n++) {
                    processor.post(new Work(Request.newId(), n));
                }
                dispatcher = Dispatcher.builder().processor(processor)
                        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                        .subscription(Subscription.builder(topic, Work.class).transport(fixture.transport())
                                .prefetch(20).requeueDelay(Duration.ofMillis(200)).build())
                        .build();
                TestBroker.ctl("set_vm_memory_high_watermark", "0.0000001");
                try {
                    dispatcher.start();
                    Dispatcher sampled = dispatcher;
                    sampler.scheduleAtFixedRate(() -> seen.add(sampled.state(topic).status()), 0, 20,
                            TimeUnit.MILLISECONDS);
                    Await.until(WAIT, () -> "every message handled during the alarm, but " + successes.size()
                            + " of " + MESSAGES + "; channel " + sampled.state(topic),
                            () -> successes.size() == MESSAGES);
                    Await.until(WAIT, "the channel shown BLOCKED", () -> seen.contains(ChannelState.Status.BLOCKED));
                } finally {
                    // Before anything closes: a close on a blocked connection waits until the alarm clears.
                    TestBroker.ctl("set_vm_memory_high_watermark", watermark);
                }
                Dispatcher running = dispatcher;
                Await.until(WAIT, () -> "the channel running again, but " + running.state(topic),
                        () -> running.state(topic).status() == ChannelState.Status.RUNNING);
                processor.post(new Work(Request.newId(), MESSAGES + 1));  // publishing resumes
                Await.until(WAIT, "the message posted after the alarm", () -> successes.containsKey(MESSAGES + 1));
                running.stop(Duration.ofSeconds(10));
            }
        } finally {
            sampler.shutdownNow();
            TestBroker.ctl("set_vm_memory_high_watermark", watermark);
            if (dispatcher != null) {
                dispatcher.stop(Duration.ofSeconds(10));
            }
        }
        int failing = MESSAGES / FAIL_EVERY;
        long duplicates = successes.values().stream().mapToInt(c -> c.get() - 1).sum();
        assertThat(successes).as("none lost").hasSize(MESSAGES + 1);
        assertThat(failedOnce).hasSize(failing);
        assertThat(duplicates).as("duplicates, at most one per requeue copy that timed out during the alarm")
                .isLessThanOrEqualTo(failing);
    }
}
