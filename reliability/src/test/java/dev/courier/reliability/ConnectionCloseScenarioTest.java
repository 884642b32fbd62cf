package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2: the broker closes the consumer's connections ({@code rabbitmqctl close_connection}) 5 times within 60
 * seconds (short form: 3 times within about 15) while messages keep arriving. Nothing is lost, handling resumes
 * within the recovery interval plus 2 seconds after each close, and the consumer's JVM ends with no more threads
 * than it had before the first close.
 */
class ConnectionCloseScenarioTest {
    private static final int CLOSES = Scale.pick(3, 5);
    private static final Duration SPACING = Duration.ofSeconds(Scale.pick(4, 11));
    private static final Duration RECOVERY_INTERVAL = Duration.ofSeconds(1);
    /**
     * The issue's bound, recovery interval + 2 s, holds in the full form; the short form that CI runs on a shared
     * 2-core machine (where each {@code rabbitmqctl} is a whole Erlang VM competing for the CPU) allows 2 s more.
     */
    private static final Duration ALLOWED = RECOVERY_INTERVAL.plusSeconds(Scale.pick(4, 2));
    private static final Duration POST_EVERY = Duration.ofMillis(20);

    @Test
    void closedConnectionsRecoverWithinTheIntervalLoseNothingAndLeakNoThreads() throws Exception {
        long started = System.nanoTime();
        try (Rig rig = new Rig()) {
            String consumerName = rig.prefix + "-consumer";
            Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Long> handledAt = new ConcurrentLinkedQueue<>();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class, work -> {
                handledAt.add(System.nanoTime());
                handled.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet();
            });
            Set<UUID> posted = ConcurrentHashMap.newKeySet();
            AtomicInteger postFailures = new AtomicInteger();
            // A flag, not an interrupt: interrupting a post that waits for its confirm would count as a failure.
            java.util.concurrent.atomic.AtomicBoolean stopPosting = new java.util.concurrent.atomic.AtomicBoolean();
            List<Duration> recoveries = new ArrayList<>();
            int baselineThreads;
            Set<String> baselineNames;
            int threadsAfter;
            String threadsGained;
            boolean running;
            RabbitMqTransport consumerTransport = RabbitMqTransport.connect(RabbitMqConfig.builder()
                    .uri(Services.RABBITMQ_URI).exchange(rig.exchange).connectionName(consumerName)
                    .recoveryInterval(RECOVERY_INTERVAL).build());
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(consumerTransport.producer())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                            .subscription(Subscription.builder(rig.topic, Work.class).transport(consumerTransport)
                                    .performers(2).prefetch(20).build())
                            .build().start()) {
                Thread poster = new Thread(() -> {
                    int n = 0;
                    while (!stopPosting.get() && !Thread.currentThread().isInterrupted()) {
                        Work work = new Work(Request.newId(), n++);
                        try {
                            rig.processor.post(work);
                            posted.add(work.id());
                        } catch (RuntimeException e) {
                            postFailures.incrementAndGet(); // the poster's connection is not attacked
                        }
                        LockSupport.parkNanos(POST_EVERY.toNanos()); // pacing: a steady stream
                    }
                }, "poster");
                poster.start();
                try {
                    Await.until(Duration.ofSeconds(20), "handling under way", () -> handled.size() >= 50);
                    baselineThreads = liveThreads().size();
                    baselineNames = liveThreads();
                    for (int c = 0; c < CLOSES; c++) {
                        long closeStarted = System.nanoTime();
                        int closed = Services.closeConnections(consumerName);
                        long closeReturned = System.nanoTime();
                        assertThat(closed).as("consumer connections closed").isGreaterThanOrEqualTo(1);
                        Await.until(Duration.ofSeconds(30), "handling after close " + (c + 1),
                                () -> handledAt.stream().anyMatch(t -> t > closeReturned));
                        recoveries.add(longestPause(handledAt, closeStarted, closeReturned));
                        long nextClose = closeStarted + SPACING.toNanos();
                        LockSupport.parkNanos(Math.max(0, nextClose - System.nanoTime())); // pacing the attack
                    }
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // pacing: a last second of traffic
                } finally {
                    stopPosting.set(true);
                    poster.join(10_000);
                    poster.interrupt();
                }
                Await.until(Duration.ofSeconds(60), "every posted message handled",
                        () -> handled.keySet().containsAll(posted));
                running = dispatcher.state(rig.topic).status() == ChannelState.Status.RUNNING;
                Set<String> names = new TreeSet<>();
                Await.until(Duration.ofSeconds(15), "the thread count back at " + baselineThreads, () -> {
                    names.clear();
                    names.addAll(liveThreads());
                    return names.size() <= baselineThreads;
                });
                threadsAfter = names.size();
                threadsGained = names.stream().filter(n -> !baselineNames.contains(n)).collect(Collectors.joining(
                        ", "));
            } finally {
                consumerTransport.close();
            }
            long duplicates = handled.values().stream().mapToLong(n -> n.get() - 1).sum();
            Set<UUID> lost = new TreeSet<>(posted);
            lost.removeAll(handled.keySet());
            Duration worst = recoveries.stream().max(Duration::compareTo).orElseThrow();
            new Figures("2 consumer connections closed x" + CLOSES, posted.size() + postFailures.get(),
                    posted.size(), handled.size(), lost.size(), duplicates, 0,
                    Duration.ofNanos(System.nanoTime() - started), "recovery interval "
                            + RECOVERY_INTERVAL.toMillis() + " ms; handling paused (ms) "
                            + recoveries.stream().map(d -> Long.toString(d.toMillis())).collect(Collectors.joining(
                                    ", ")) + "; threads " + baselineThreads + " before, " + threadsAfter
                            + " after").report();
            assertThat(postFailures.get()).as("posts that failed").isZero();
            assertThat(lost).as("lost").isEmpty();
            // Bound: a close returns the unacknowledged messages to the queue; only those a performer had finished
            // but not yet acknowledged are handled twice: its held acks and the message in hand, at most a batch
            // (acknowledgeBatch, default 10) per performer (2) per close.
            long bound = 2L * RabbitMqConfig.DEFAULT_ACKNOWLEDGE_BATCH * CLOSES;
            assertThat(duplicates).as("duplicate handlings (at most 2 performers x "
                    + RabbitMqConfig.DEFAULT_ACKNOWLEDGE_BATCH + " x " + CLOSES + " closes)")
                    .isLessThanOrEqualTo(bound);
            assertThat(recoveries).as("pauses in handling around each close").hasSize(CLOSES)
                    .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(ALLOWED));
            assertThat(threadsAfter).as("threads after (new: " + threadsGained + ")")
                    .isLessThanOrEqualTo(baselineThreads);
            assertThat(running).as("channel RUNNING").isTrue();
        }
    }

    /**
     * The longest gap between consecutive handlings from just before the close began to the first handling after
     * the close command returned: how long the consumer was without a connection that delivers.
     */
    private static Duration longestPause(ConcurrentLinkedQueue<Long> handledAt, long closeStarted,
            long closeReturned) {
        long[] times = handledAt.stream().mapToLong(Long::longValue).sorted().toArray();
        long previous = Arrays.stream(times).filter(t -> t <= closeStarted).max().orElse(closeStarted);
        long longest = 0;
        for (long t : times) {
            if (t <= closeStarted) {
                continue;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
            if (t > closeReturned) {
                break;
            }
        }
        return Duration.ofNanos(longest);
    }

    /** Names (with ids) of this JVM's live threads. */
    /**
     * Threads of cached pools that start on demand and outlive this scenario's 15 s wait by their own keep-alive
     * (60 s): the JDK's process reapers (one per rabbitmqctl call), Courier's async worker, Hikari's connection
     * adder and the common fork-join pool. They are not the consumer's, whose connection and channel threads
     * (what a recovery could leak) are all counted.
     */
    private static final List<String> ON_DEMAND_POOLS = List.of("process reaper", "courier-worker", "HikariPool",
            "ForkJoinPool");

    private static Set<String> liveThreads() {
        Set<String> names = new TreeSet<>();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            String name = info.getThreadName();
            if (ON_DEMAND_POOLS.stream().noneMatch(name::startsWith)) {
                names.add(name + "#" + info.getThreadId());
            }
        }
        return names;
    }
}
