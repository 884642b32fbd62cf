package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.spi.OutboxTransaction;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7: {@code Dispatcher.stop(timeout)} with 50 messages in flight and 200 ms handlers: every handler that
 * started finishes and is acknowledged, nothing is left unacknowledged, no handler starts after the stop began, and
 * the stop returns within its timeout. A second dispatcher then handles the rest, each message once.
 */
class GracefulStopScenarioTest {
    private static final int MESSAGES = 50;
    private static final int PERFORMERS = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aGracefulStopSettlesEveryMessageInHandAndStartsNoNewOneWithinItsTimeout() throws Exception {
        long started = System.nanoTime();
        try (Rig rig = new Rig()) {
            List<Work> works = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                works.add(new Work(Request.newId(), i));
            }
            rig.processor.clearOutbox(rig.processor.depositPost(works, OutboxTransaction.NONE));
            Map<UUID, Long> startedAt = new ConcurrentHashMap<>();
            Map<UUID, AtomicInteger> finished = new ConcurrentHashMap<>();
            // Once the first handlings have run, every performer is held inside a handler until the stop has
            // begun: otherwise a pump that passed its last check just before the stop could start a handler after
            // it, and the measurement would race the scheduler.
            AtomicBoolean hold = new AtomicBoolean();
            AtomicInteger held = new AtomicInteger();
            CountDownLatch stopping = new CountDownLatch(1);
            HandlerRegistry slow = new HandlerRegistry().register(Work.class, work -> {
                startedAt.put(work.id(), System.nanoTime());
                if (hold.get()) {
                    held.incrementAndGet();
                    try {
                        stopping.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // the 200 ms handler
                finished.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet();
            });
            long stopBegan;
            boolean clean;
            Duration stopTook;
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(slow)
                    .producers(Producers.of(rig.producer)).build()) {
                Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                        .subscription(rig.subscription().performers(PERFORMERS).prefetch(10).build()).build().start();
                Await.until(Duration.ofSeconds(20), "handlers running", () -> finished.size() >= PERFORMERS);
                hold.set(true);
                Await.until(Duration.ofSeconds(20), "every performer inside a handler",
                        () -> held.get() >= PERFORMERS);
                stopBegan = System.nanoTime();
                CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> dispatcher.stop(TIMEOUT));
                Await.until(Duration.ofSeconds(10), "the stop to begin",
                        () -> dispatcher.state(rig.topic).status() != ChannelState.Status.RUNNING);
                stopping.countDown();
                clean = stop.get(TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS);
                stopTook = Duration.ofNanos(System.nanoTime() - stopBegan);
            }
            long startedAfterStop = startedAt.values().stream().filter(t -> t > stopBegan).count();
            int settledBeforeStop = finished.size();
            Await.until(Duration.ofSeconds(60), "no message left unacknowledged",
                    () -> Services.queueCounts(rig.topic)[1] == 0);
            long[] queue = Services.queueCounts(rig.topic);

            HandlerRegistry quick = new HandlerRegistry().register(Work.class,
                    work -> finished.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet());
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(quick)
                    .producers(Producers.of(rig.producer)).build();
                    Dispatcher rest = Dispatcher.builder().processor(consuming).subscription(rig.subscription().build())
                            .build().start()) {
                Await.until(Duration.ofSeconds(20), "the rest handled", () -> finished.size() == MESSAGES);
            }
            long duplicates = finished.values().stream().mapToLong(n -> n.get() - 1).sum();
            new Figures("7 graceful stop, 50 in flight, 200 ms handlers", MESSAGES, MESSAGES, finished.size(),
                    MESSAGES - finished.size(), duplicates, rig.deadLetters(),
                    Duration.ofNanos(System.nanoTime() - started), "stop took " + stopTook.toMillis()
                            + " ms (timeout " + TIMEOUT.toMillis() + "), clean " + clean + "; handled before stop "
                            + settledBeforeStop + ", left ready " + queue[0] + ", unacked " + queue[1]
                            + ", started after stop began " + startedAfterStop).report();
            assertThat(clean).as("stopped within the timeout").isTrue();
            assertThat(stopTook).isLessThan(TIMEOUT);
            assertThat(startedAfterStop).as("handlers started after stop began").isZero();
            assertThat(startedAt.keySet()).as("every handler that started before the stop finished")
                    .hasSize(settledBeforeStop);
            assertThat(queue[0]).as("left for later").isEqualTo(MESSAGES - settledBeforeStop);
            assertThat(finished).hasSize(MESSAGES);
            assertThat(duplicates).as("a settled message came back").isZero();
        }
    }
}
