package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.QueueType;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 17, 18 and 19, on a three-node cluster with quorum queues (started once for all): messages posted
 * through the PostgreSQL outbox (with a sweeper) and handled by a Dispatcher while (17) the node that leads the work
 * queue is SIGKILLed, (18) the node the consumers are connected to is stopped, or (19) every node is restarted in
 * turn. Every message is handled; duplicates
 * stay within the messages whose fate the fault left open.
 */
class ClusterScenarioTest {
    private static final int MESSAGES = Scale.pick(2_000, 10_000);
    private static final int PERFORMERS = 2;
    private static final int PREFETCH = 20;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @BeforeAll
    static void startCluster() {
        Cluster.start();
    }

    @AfterAll
    static void stopCluster() {
        Cluster.stop();
    }

    @Test
    void theWorkQueuesLeaderKilledUnderLoadLosesNothing() throws Exception {
        long begun = System.nanoTime();
        try (Rig rig = new Rig(Cluster.URI, Duration.ofSeconds(10), b -> b.defaultQueueType(QueueType.QUORUM));
                RabbitMqTransport consuming = RabbitMqTransport.connect(rig.transport.config())) {
            Map<UUID, AtomicInteger> handlings = new ConcurrentHashMap<>();
            AtomicLong lastHandled = new AtomicLong();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class, work -> {
                handlings.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet();
                lastHandled.set(System.nanoTime());
            });
            rig.startSweeper(Duration.ofSeconds(2));
            List<UUID> posted = new ArrayList<>();
            AtomicInteger failedPosts = new AtomicInteger();
            ExecutorService poster = Executors.newSingleThreadExecutor();
            int leader;
            long killedAt;
            long resumedAfter;
            try (CommandProcessor processor = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(consuming.producer())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                            .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                            .subscription(rig.subscription().transport(consuming).performers(PERFORMERS)
                                    .prefetch(PREFETCH).build())
                            .build().start()) {
                Future<?> posting = poster.submit(() -> {
                    for (int i = 0; i < MESSAGES; i++) {
                        Work work = new Work(Request.newId(), i);
                        synchronized (posted) {
                            posted.add(work.id());
                        }
                        try {
                            rig.processor.post(work); // committed to the outbox first: a failed send is swept
                        } catch (RuntimeException e) {
                            failedPosts.incrementAndGet();
                        }
                    }
                });
                Await.until(WAIT, () -> "a quarter handled before the kill: " + handlings.size(),
                        () -> handlings.size() >= MESSAGES / 4);
                leader = Cluster.leaderOf(rig.topic);
                killedAt = System.nanoTime();
                Cluster.kill(leader);
                Await.until(WAIT, () -> "handling after the kill", () -> lastHandled.get() > killedAt
                        && handlings.size() > MESSAGES / 4);
                resumedAfter = lastHandled.get() - killedAt;
                posting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                Cluster.restart(leader);
                Await.until(WAIT, () -> "every posted message handled: " + handlings.size() + " of " + MESSAGES
                        + ", outbox outstanding " + rig.outstanding() + "; " + dispatcher.state(rig.topic),
                        () -> handlings.size() == MESSAGES && rig.outstanding() == 0);
            } finally {
                poster.shutdownNow();
            }
            long lost = posted.stream().filter(id -> !handlings.containsKey(id)).count();
            long duplicates = handlings.values().stream().mapToLong(n -> n.get() - 1).sum();
            // A message can come twice only if the kill left its fate open: a post whose confirm the kill took
            // (swept again), or one in a consumer's hands, at most prefetch per performer, when its node went.
            long bound = failedPosts.get() + (long) PERFORMERS * PREFETCH;
            new Figures("17 cluster: work queue's leader SIGKILLed under load", MESSAGES, MESSAGES - failedPosts.get(),
                    handlings.size(), lost, duplicates, 0, Duration.ofNanos(System.nanoTime() - begun),
                    "3 nodes, quorum queues; leader c" + leader + " killed after " + MESSAGES / 4 + " handled, "
                            + "restarted after the posting ended; posts failed during the failover (swept later): "
                            + failedPosts.get() + "; first handling " + TimeUnit.NANOSECONDS.toMillis(resumedAfter)
                            + " ms after the kill; duplicate bound " + bound).report();
            assertThat(lost).as("lost").isZero();
            assertThat(duplicates).as("duplicates (bound: failed posts + prefetch x performers)")
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void theConsumersNodeStoppedTheyMoveToAnotherWithinTheRecoveryInterval() throws Exception {
        int messages = Scale.pick(1_000, 5_000);
        // the Rig's recoveryInterval (1 s), plus reconnecting, recovering the topology and the consumers
        Duration bound = Duration.ofSeconds(1).plus(Duration.ofSeconds(10));
        long begun = System.nanoTime();
        try (Rig rig = new Rig(Cluster.URI, Duration.ofSeconds(10), b -> b.defaultQueueType(QueueType.QUORUM));
                RabbitMqTransport consuming = RabbitMqTransport.connect(rig.transport.config())) {
            Map<UUID, AtomicInteger> handlings = new ConcurrentHashMap<>();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class,
                    work -> handlings.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet());
            rig.startSweeper(Duration.ofSeconds(2));
            AtomicInteger failedPosts = new AtomicInteger();
            String before;
            String after;
            long moved;
            int[] stopped = {0};
            try (CommandProcessor processor = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(consuming.producer())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                            .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                            .subscription(rig.subscription().transport(consuming).performers(PERFORMERS)
                                    .prefetch(PREFETCH).build())
                            .build().start()) {
                for (int i = 0; i < messages / 2; i++) {
                    post(rig, new Work(Request.newId(), i), failedPosts);
                }
                Await.until(WAIT, () -> "a first handling and the channel's endpoint: " + dispatcher.state(rig.topic),
                        () -> !handlings.isEmpty() && !dispatcher.state(rig.topic).endpoint().isEmpty());
                before = dispatcher.state(rig.topic).endpoint();
                stopped[0] = Integer.parseInt(before.substring(before.lastIndexOf(':') + 1)) - 5680;
                long stoppedAt = System.nanoTime();
                Cluster.stopNode(stopped[0]);
                Await.until(bound, () -> "the consumers on another node than " + before + ": "
                        + dispatcher.state(rig.topic), () -> {
                            String now = dispatcher.state(rig.topic).endpoint();
                            return !now.isEmpty() && !now.equals(before);
                        });
                moved = System.nanoTime() - stoppedAt;
                after = dispatcher.state(rig.topic).endpoint();
                for (int i = messages / 2; i < messages; i++) {
                    post(rig, new Work(Request.newId(), i), failedPosts);
                }
                Await.until(WAIT, () -> "every posted message handled: " + handlings.size() + " of " + messages
                        + ", outbox outstanding " + rig.outstanding() + "; " + dispatcher.state(rig.topic),
                        () -> handlings.size() == messages && rig.outstanding() == 0);
            } finally {
                if (stopped[0] > 0) {
                    Cluster.restart(stopped[0]);
                }
            }
            long duplicates = handlings.values().stream().mapToLong(n -> n.get() - 1).sum();
            long dupBound = failedPosts.get() + (long) PERFORMERS * PREFETCH;
            new Figures("18 cluster: the consumers' node stopped", messages, messages - failedPosts.get(),
                    handlings.size(), messages - handlings.size(), duplicates, 0,
                    Duration.ofNanos(System.nanoTime() - begun), "consumers moved from " + before + " to " + after
                            + " in " + TimeUnit.NANOSECONDS.toMillis(moved) + " ms (bound " + bound.toMillis()
                            + " ms); posts failed visibly, swept later: " + failedPosts.get() + "; duplicate bound "
                            + dupBound).report();
            assertThat(handlings).as("every message handled").hasSize(messages);
            assertThat(duplicates).as("duplicates (bound: failed posts + prefetch x performers)")
                    .isLessThanOrEqualTo(dupBound);
        }
    }

    @Test
    void aRollingRestartOfEveryNodeUnderLoadLosesNothing() throws Exception {
        long begun = System.nanoTime();
        try (Rig rig = new Rig(Cluster.URI, Duration.ofSeconds(10), b -> b.defaultQueueType(QueueType.QUORUM));
                RabbitMqTransport consuming = RabbitMqTransport.connect(rig.transport.config())) {
            Map<UUID, AtomicInteger> handlings = new ConcurrentHashMap<>();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class,
                    work -> handlings.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet());
            rig.startSweeper(Duration.ofSeconds(2));
            AtomicInteger failedPosts = new AtomicInteger();
            AtomicInteger posted = new AtomicInteger();
            AtomicBoolean rolling = new AtomicBoolean(true);
            ExecutorService poster = Executors.newSingleThreadExecutor();
            List<String> steps = new ArrayList<>();
            try (CommandProcessor processor = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(consuming.producer())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                            .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                            .subscription(rig.subscription().transport(consuming).performers(PERFORMERS)
                                    .prefetch(PREFETCH).build())
                            .build().start()) {
                Future<?> posting = poster.submit(() -> {
                    // paced at about 200 a second for as long as the restart rolls (pacing, not waiting)
                    while (rolling.get()) {
                        post(rig, new Work(Request.newId(), posted.getAndIncrement()), failedPosts);
                        LockSupport.parkNanos(5_000_000);
                    }
                });
                for (int node = 1; node <= 3; node++) {
                    int before = handlings.size();
                    long stoppedAt = System.nanoTime();
                    Cluster.stopNode(node);
                    Await.until(WAIT, () -> "handling to go on with a node down: " + dispatcher.state(rig.topic),
                            () -> handlings.size() > before + 50);
                    Cluster.restart(node);
                    steps.add("c" + node + " down " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt)
                            + " ms");
                }
                rolling.set(false);
                posting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                Await.until(WAIT, () -> "every posted message handled: " + handlings.size() + " of " + posted.get()
                        + ", outbox outstanding " + rig.outstanding() + "; " + dispatcher.state(rig.topic),
                        () -> handlings.size() == posted.get() && rig.outstanding() == 0);
            } finally {
                rolling.set(false);
                poster.shutdownNow();
            }
            long duplicates = handlings.values().stream().mapToLong(n -> n.get() - 1).sum();
            // per node stopped: what the consumers held when their node went, and every post cut off (swept again)
            long dupBound = failedPosts.get() + 3L * PERFORMERS * PREFETCH;
            new Figures("19 cluster: rolling restart of all three nodes under load", posted.get(),
                    posted.get() - failedPosts.get(), handlings.size(), posted.get() - handlings.size(), duplicates,
                    0, Duration.ofNanos(System.nanoTime() - begun), "posting through the outbox at about 200/s; "
                            + String.join(", ", steps) + " (stop, handling seen going on, start again); posts failed "
                            + "visibly, swept later: " + failedPosts.get() + "; duplicate bound " + dupBound).report();
            assertThat(handlings).as("every message handled").hasSize(posted.get());
            assertThat(duplicates).as("duplicates (bound: failed posts + 3 x prefetch x performers)")
                    .isLessThanOrEqualTo(dupBound);
        }
    }

    private static void post(Rig rig, Work work, AtomicInteger failed) {
        try {
            rig.processor.post(work); // committed to the outbox first: a failed send is swept
        } catch (RuntimeException e) {
            failed.incrementAndGet();
        }
    }
}
