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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 17, 18 and 19, on a three-node cluster with quorum queues (started once for all): messages posted
 * through the PostgreSQL outbox (with a sweeper) and handled while (17) the node that leads the work queue is
 * SIGKILLed (two consumer processes behind a JDBC inbox), (18) the node the consumers are connected to is stopped,
 * or (19) every node is restarted in turn (a Dispatcher in this JVM). Every message is handled; duplicates are none
 * behind the inbox, and otherwise stay within the messages whose fate the fault left open.
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
        try (Rig rig = new Rig(Cluster.URI, Duration.ofSeconds(10), b -> b.defaultQueueType(QueueType.QUORUM))) {
            rig.startSweeper(Duration.ofSeconds(2));
            List<Node> nodes = new ArrayList<>();
            List<UUID> posted = new ArrayList<>();
            AtomicInteger failedPosts = new AtomicInteger();
            ExecutorService poster = Executors.newSingleThreadExecutor();
            int leader;
            long handledAtKill;
            long resumedAfter;
            long held = 2L * PERFORMERS * PREFETCH; // what the two processes' consumers can hold unacknowledged
            try {
                for (String name : List.of("a", "b")) { // one after the other: they create the inbox table
                    Map<String, String> options = rig.nodeOptions(name);
                    options.put("uri", Cluster.URI);
                    options.put("queueType", QueueType.QUORUM.name());
                    options.put("heartbeatS", "10");
                    options.put("inbox", rig.inboxTable);
                    options.put("performers", Integer.toString(PERFORMERS));
                    options.put("prefetch", Integer.toString(PREFETCH));
                    nodes.add(Node.start(options));
                }
                Future<?> posting = poster.submit(() -> {
                    for (int i = 0; i < MESSAGES; i++) {
                        Work work = new Work(Request.newId(), i);
                        synchronized (posted) {
                            posted.add(work.id());
                        }
                        post(rig, work, failedPosts);
                    }
                });
                Await.until(WAIT, () -> "a quarter handled before the kill: " + rig.handled.distinct(),
                        () -> rig.handled.distinct() >= MESSAGES / 4);
                leader = Cluster.leaderOf(rig.topic);
                long killedAt = System.nanoTime();
                Cluster.kill(leader);
                handledAtKill = rig.handled.distinct();
                // resumed: more handled than the consumers could have held when the leader went
                Await.until(WAIT, () -> "handling to resume after the kill: " + rig.handled.distinct(),
                        () -> rig.handled.distinct() > handledAtKill + held);
                resumedAfter = System.nanoTime() - killedAt;
                posting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                Cluster.restart(leader);
                rig.awaitDrain(MESSAGES, WAIT);
                for (Node node : nodes) {
                    assertThat(node.stop()).as("consumer process " + node.pid() + " stopped cleanly").isTrue();
                }
            } finally {
                poster.shutdownNow();
                nodes.forEach(Node::close);
            }
            Map<UUID, Integer> handlings = rig.handled.handlings();
            Set<UUID> lost = rig.lost(new HashSet<>(posted), handlings);
            long duplicates = Rig.duplicates(handlings);
            long deadLetters = Cluster.messages(RabbitMqTransport.deadLetterQueue(rig.topic));
            new Figures("17 cluster: work queue's leader SIGKILLed under load, two consumer processes", MESSAGES,
                    MESSAGES - failedPosts.get(), handlings.size(), lost.size(), duplicates, deadLetters,
                    Duration.ofNanos(System.nanoTime() - begun), "3 nodes, quorum queues, PostgreSQL outbox and inbox;"
                            + " leader c" + leader + " killed with " + handledAtKill + " handled, restarted after the "
                            + "posting ended; posts failed during the failover (swept later): " + failedPosts.get()
                            + "; handling resumed (past the " + held + " messages the consumers could hold) "
                            + TimeUnit.NANOSECONDS.toMillis(resumedAfter) + " ms after the kill").report();
            assertThat(lost).as("lost").isEmpty();
            // Redeliveries (what the consumers held when the leader went, posts swept again after a lost confirm)
            // reach the handler's inbox, which skips what it committed: none is recorded twice.
            assertThat(duplicates).as("duplicates behind the inbox").isZero();
            assertThat(deadLetters).as("dead letters").isZero();
        }
    }

    @Test
    void theConsumersNodeStoppedTheyMoveToAnotherWithinTheRecoveryInterval() throws Exception {
        int messages = Scale.pick(1_000, 5_000);
        // the Rig's recoveryInterval (1 s), plus reconnecting, recovering the topology and the consumers
        Duration bound = Duration.ofSeconds(1).plus(Duration.ofSeconds(10));
        long begun = System.nanoTime();
        try (Rig rig = new Rig(Cluster.URI, Duration.ofSeconds(10), b -> b.defaultQueueType(QueueType.QUORUM))) {
            rig.startSweeper(Duration.ofSeconds(2));
            Map<UUID, AtomicInteger> handlings = new ConcurrentHashMap<>();
            AtomicInteger failedPosts = new AtomicInteger();
            String before;
            String after;
            long moved;
            int[] stopped = {0};
            try (LocalConsumers consumers = new LocalConsumers(rig, handlings)) {
                Dispatcher dispatcher = consumers.dispatcher;
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
            long duplicates = handlings.values().stream().mapToLong(n -> n.get() - 1L).sum();
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
        try (Rig rig = new Rig(Cluster.URI, Duration.ofSeconds(10), b -> b.defaultQueueType(QueueType.QUORUM))) {
            rig.startSweeper(Duration.ofSeconds(2));
            Map<UUID, AtomicInteger> handlings = new ConcurrentHashMap<>();
            AtomicInteger failedPosts = new AtomicInteger();
            AtomicInteger posted = new AtomicInteger();
            AtomicBoolean rolling = new AtomicBoolean(true);
            ExecutorService poster = Executors.newSingleThreadExecutor();
            List<String> steps = new ArrayList<>();
            try (LocalConsumers consumers = new LocalConsumers(rig, handlings)) {
                Dispatcher dispatcher = consumers.dispatcher;
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
            long duplicates = handlings.values().stream().mapToLong(n -> n.get() - 1L).sum();
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
    /** A Dispatcher in this JVM on the rig's channel, through a transport of its own, counting handlings per id. */
    private static final class LocalConsumers implements AutoCloseable {
        private final RabbitMqTransport transport;
        private final CommandProcessor processor;
        final Dispatcher dispatcher;

        LocalConsumers(Rig rig, Map<UUID, AtomicInteger> handlings) {
            transport = RabbitMqTransport.connect(rig.transport.config());
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class,
                    work -> handlings.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet());
            processor = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(transport.producer())).build();
            dispatcher = Dispatcher.builder().processor(processor)
                    .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                    .subscription(rig.subscription().transport(transport).performers(PERFORMERS).prefetch(PREFETCH)
                            .build())
                    .build().start();
        }

        @Override
        public void close() {
            dispatcher.close();
            processor.close();
            transport.close();
        }
    }
}
