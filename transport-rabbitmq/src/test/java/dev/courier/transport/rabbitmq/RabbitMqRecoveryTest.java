package dev.courier.transport.rabbitmq;

import dev.courier.spi.ChannelSpec;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.confirm;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.message;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.receive;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.courier.ChannelFailureException;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageProducer;
import dev.courier.test.Await;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** What happens when connections drop, the broker restarts, or a consumer process dies. */
class RabbitMqRecoveryTest extends WithRabbitMqFixture {

    @Test
    void connectionsClosedUnderLoadResumeDeliveryWithNothingLost() throws Exception {
        String topic = fixture.uniqueTopic("under-load");
        ChannelSpec subscription = fixture.subscription(topic).withPrefetch(50);
        Map<UUID, Message> outbox = new ConcurrentHashMap<>();
        for (int i = 0; i < 3000; i++) {
            Message m = message(topic);
            outbox.put(m.id(), m);
        }
        Set<UUID> all = Set.copyOf(outbox.keySet());
        Set<UUID> received = ConcurrentHashMap.newKeySet();
        RabbitMqConsumer consumer = fixture.consumer(subscription);
        AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        Thread pump = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && received.size() < all.size()) {
                try {
                    Message m = consumer.receive(Duration.ofMillis(100));
                    if (m != null) {
                        consumer.acknowledge(m);
                        received.add(m.id());
                    }
                } catch (ChannelFailureException e) {
                    LockSupport.parkNanos(50_000_000); // a pump backs off; the client recovers the connection
                } catch (RuntimeException e) {
                    consumerFailure.set(e);
                    return;
                }
            }
        });
        pump.start();
        Thread sweeper = new Thread(() -> sweep(fixture.producer(), outbox));
        sweeper.start();

        Await.until(Duration.ofSeconds(20), "some messages consumed", () -> received.size() > 300);
        int closed = TestBroker.closeConnections(fixture.prefix());

        sweeper.join(60_000);
        Await.until(Duration.ofSeconds(60), "every message consumed (" + received.size() + " so far)",
                () -> received.size() == all.size() || consumerFailure.get() != null);
        pump.interrupt();
        pump.join(5000);
        assertThat(closed).as("publishing and consuming connections closed").isEqualTo(2);
        assertThat(consumerFailure.get()).isNull();
        assertThat(outbox).as("nothing left unconfirmed").isEmpty();
        assertThat(received).isEqualTo(all);
    }

    /**
     * A thread that keeps publishing while its connection is closed and recovered, five times: afterwards every send
     * on its channel is confirmed at once. The client puts a recovered channel back in confirm mode only after it has
     * swapped it in, and a publish in between used to leave the client's sequence numbers one ahead of the broker's:
     * every later send on that channel then waited out its confirm timeout (found by ClusterScenarioTest hanging).
     * The producer now pauses its channels from the start of a recovery to its end; sends meanwhile fail at once.
     */
    @Test
    void aThreadPublishingThroughRecoveriesHasEverySendConfirmedAfterwards() throws Exception {
        String topic = fixture.uniqueTopic("recovering");
        fixture.subscription(topic);
        MessageProducer producer = fixture.producer();
        java.util.concurrent.atomic.AtomicBoolean verify = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        List<String> afterwards = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread publisher = new Thread(() -> {
            while (!verify.get()) { // as fast as it goes: some sends land in the middle of each recovery
                producer.send(message(topic)).whenComplete((ok, e) -> sent.incrementAndGet());
                LockSupport.parkNanos(200_000);
            }
            for (int i = 0; i < 100; i++) { // the same thread, so the same channel
                try {
                    producer.send(message(topic)).get(3, TimeUnit.SECONDS);
                    afterwards.add("confirmed");
                } catch (java.util.concurrent.TimeoutException e) {
                    afterwards.add("timed out");
                } catch (Exception e) {
                    afterwards.add("failed: " + e.getCause());
                }
            }
            done.countDown();
        }, "publisher");
        publisher.start();
        try {
            for (int r = 0; r < 5; r++) {
                int before = sent.get();
                Await.until(Duration.ofSeconds(30), "sends completing before close " + (r + 1),
                        () -> sent.get() > before + 20);
                assertThat(TestBroker.closeConnections(fixture.prefix())).isPositive();
                Message probe = message(topic);
                Await.until(Duration.ofSeconds(30), "a send confirmed after the recovery", () -> {
                    try {
                        producer.send(probe).get(1, TimeUnit.SECONDS);
                        return true;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        } finally {
            verify.set(true);
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).as("the publisher's 100 sends ended").isTrue();
        assertThat(afterwards).as("every send after the recoveries").hasSize(100).containsOnly("confirmed");
    }

    /** An outbox sweeper in miniature: sends what is outstanding until the broker has confirmed all of it. */
    private static void sweep(MessageProducer producer, Map<UUID, Message> outbox) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!outbox.isEmpty() && System.nanoTime() < deadline) {
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (Message m : List.copyOf(outbox.values()).subList(0, Math.min(200, outbox.size()))) {
                sends.add(producer.send(m).thenRun(() -> outbox.remove(m.id())));
            }
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(40, TimeUnit.SECONDS);
            } catch (Exception e) {
                LockSupport.parkNanos(100_000_000); // back off while the connection recovers, then resend
            }
        }
    }

    @Test
    void tenThousandPersistentConfirmedMessagesSurviveABrokerRestart() throws Exception {
        String topic = fixture.uniqueTopic("restart");
        ChannelSpec subscription = fixture.subscription(topic).withPrefetch(200);
        Set<UUID> sent = new HashSet<>();
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Message m = message(topic);
            sent.add(m.id());
            batch.add(m);
            if (batch.size() == 1000) {
                fixture.producer().sendBatch(batch).get(30, TimeUnit.SECONDS);
                batch.clear();
            }
        }
        CompletableFuture<Void> duringOutage;
        try {
            TestBroker.stopApp();
            duringOutage = fixture.producer().send(message(topic));
            Await.until(Duration.ofSeconds(20), "the send during the outage to fail", duringOutage::isDone);
        } finally {
            TestBroker.startAppAndWait();
        }
        assertThat(duringOutage).isCompletedExceptionally();

        RabbitMqConsumer consumer = Await.value(Duration.ofSeconds(30), "the transport to recover", () -> {
            try {
                return fixture.transport().createConsumer(subscription);
            } catch (RuntimeException e) {
                return null;
            }
        });
        try {
            Set<UUID> received = new HashSet<>();
            Await.until(Duration.ofSeconds(60), "10,000 messages back", () -> {
                Message m;
                while ((m = consumer.receive(Duration.ofMillis(100))) != null) {
                    received.add(m.id());
                    consumer.acknowledge(m);
                }
                return received.size() >= sent.size();
            });
            assertThat(received).isEqualTo(sent);
            confirm(fixture.producer().send(message(topic)));
        } finally {
            consumer.close();
        }
    }

    @Test
    void aMessageRequeuedThreeTimesThenDeadLetteredCarriesItsReasonAndEveryDelayHeld() {
        String topic = fixture.uniqueTopic("three-strikes");
        ChannelSpec subscription = fixture.subscription(topic);
        RabbitMqConsumer consumer = fixture.consumer(subscription);
        Message sent = message(topic);
        confirm(fixture.producer().send(sent));
        Duration delay = Duration.ofMillis(400);
        List<Duration> waits = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();

        Message m = receive(consumer);
        while (m.header().handledCount() < 3) {
            counts.add(m.header().handledCount());
            long requeuedAt = System.nanoTime();
            consumer.requeue(m, delay);
            m = receive(consumer);
            waits.add(Duration.ofNanos(System.nanoTime() - requeuedAt));
        }
        counts.add(m.header().handledCount());
        DeadLetterReason reason = new DeadLetterReason("handler-failed", "boom", "java.io.IOException", topic,
                m.header().handledCount() + 1, Instant.now());
        consumer.reject(m, reason);

        assertThat(counts).containsExactly(0, 1, 2, 3);
        assertThat(waits).hasSize(3).allSatisfy(wait -> assertThat(wait).isGreaterThanOrEqualTo(delay));
        List<Message> dead = Await.value(Duration.ofSeconds(10), "the dead letter", () -> {
            List<Message> found = fixture.deadLetters(subscription);
            return found.isEmpty() ? null : found;
        });
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).id()).isEqualTo(sent.id());
        assertThat(dead.get(0).header().bag()).containsAllEntriesOf(reason.asHeaders())
                .containsEntry("courier-dead-letter-attempts", "4");
    }

    @Test
    void aConsumerProcessKilledMidHandleHasItsMessageRedeliveredToAnother() throws Exception {
        String topic = fixture.uniqueTopic("sigkill");
        ChannelSpec subscription = fixture.subscription(topic);
        Path log = Path.of("target", "consumer-process-" + fixture.prefix() + ".log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ConsumerProcess.class.getName(),
                TestBroker.uri(), fixture.prefix(), topic)
                .redirectError(log.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            Map<String, String> lines = new ConcurrentHashMap<>();
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        String[] parts = line.split(" ", 2);
                        lines.put(parts[0], parts.length > 1 ? parts[1] : "");
                    }
                } catch (Exception e) {
                    // the child died
                }
            });
            reader.setDaemon(true);
            reader.start();
            Await.until(Duration.ofSeconds(30), "the child consumer to start (see " + log + ")",
                    () -> lines.containsKey("READY") || !child.isAlive());
            Message sent = message(topic);
            confirm(fixture.producer().send(sent));
            Await.until(Duration.ofSeconds(15), "the child to take the message",
                    () -> lines.containsKey("RECEIVED") || !child.isAlive());
            assertThat(lines.get("RECEIVED")).isEqualTo(sent.id().toString());

            child.destroyForcibly(); // SIGKILL: no close, no ack, the socket just dies
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Message redelivered = receive(fixture.consumer(subscription));
            assertThat(redelivered.id()).isEqualTo(sent.id());
        } finally {
            child.destroyForcibly();
            new File(log.toString()).delete();
        }
    }

    @Test
    void aTransportClosedWhileItsConnectionsAreDownDoesNotReconnectAfterwards() {
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(fixture.uniqueTopic("zombie")));
        assertThat(TestBroker.closeConnections(fixture.prefix())).as("connections the broker closed").isEqualTo(2);
        Await.until(Duration.ofSeconds(10), "the consumer to see its connection down",
                () -> consumer.unavailableReason() != null);

        fixture.transport().close(); // while the client waits to recover them (every 500 ms here)

        // Three recovery intervals: a connection left recovering would be back, re-declaring its queues, by then.
        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < end) {
            assertThat(connectionsNamed(fixture.prefix())).as("connections back after the transport closed")
                    .isZero();
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // observation step, not a wait
        }
    }

    /**
     * The client checks that a connection was not closed, then recovers its channels, then puts the new connection
     * in place. A close in between used to leave the new connection running for good (seen once in CI, where the
     * second of two rabbitmqctl closes landed about one recovery interval after the first). Here the close runs
     * exactly in between, from a channel's recovery listener.
     */
    @Test
    void aTransportClosedBetweenTheClientsCheckAndItsSwapLeavesNoConnection() throws Exception {
        RabbitMqTransport transport = fixture.transport();
        fixture.consumer(fixture.subscription(fixture.uniqueTopic("swap")));
        Channel probe = transport.connections().consuming().createChannel();
        CountDownLatch closedDuringRecovery = new CountDownLatch(1);
        ((Recoverable) probe).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                transport.close();
                closedDuringRecovery.countDown();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                // the client has not checked yet
            }
        });
        assertThat(TestBroker.closeConnections(fixture.prefix())).as("connections the broker closed").isEqualTo(2);
        assertThat(closedDuringRecovery.await(20, TimeUnit.SECONDS)).as("the probe channel recovered").isTrue();

        Await.until(Duration.ofSeconds(10), "no connection of the closed transport",
                () -> connectionsNamed(fixture.prefix()) == 0);
        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < end) {
            assertThat(connectionsNamed(fixture.prefix())).as("connections back after the transport closed")
                    .isZero();
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // observation step, not a wait
        }
    }

    private static long connectionsNamed(String prefix) {
        return TestBroker.ctl("list_connections", "-q", "--no-table-headers", "client_properties").lines()
                .filter(line -> line.contains("{\"connection_name\",\"" + prefix)).count();
    }

    @Test
    void aConsumerClosedWhileTheBrokerIsDownTakesNoMessagesAfterRecovery() {
        String topic = fixture.uniqueTopic("closed-while-down");
        ChannelSpec subscription = fixture.subscription(topic).withPrefetch(50);
        RabbitMqConsumer closedWhileDown = fixture.consumer(subscription);
        try {
            TestBroker.stopApp(); // returns once the broker has closed every connection
            // what a health check reads meanwhile (Dispatcher.state shows it as FAILING), with the password masked
            String reason = Await.value(Duration.ofSeconds(10), "the consumer to say its connection is down",
                    closedWhileDown::unavailableReason);
            assertThat(reason).contains("is down; the client is recovering it").contains(":****@")
                    .doesNotContain(":guest@");
            closedWhileDown.close(); // what a pump does after a failure
            assertThat(closedWhileDown.unavailableReason()).as("once its pump let it go").isNull();
        } finally {
            TestBroker.startAppAndWait();
        }
        RabbitMqConsumer fresh = Await.value(Duration.ofSeconds(30), "a new consumer after recovery", () -> {
            try {
                return fixture.transport().createConsumer(subscription);
            } catch (RuntimeException e) {
                return null;
            }
        });
        try {
            assertThat(fresh.unavailableReason()).isNull();
            Set<UUID> sent = new HashSet<>();
            Await.until(Duration.ofSeconds(30), "the producer to recover", () -> {
                try {
                    Message m = message(topic);
                    fixture.producer().send(m).get(5, TimeUnit.SECONDS);
                    sent.add(m.id());
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            for (int i = 0; i < 9; i++) {
                Message m = message(topic);
                confirm(fixture.producer().send(m));
                sent.add(m.id());
            }
            Set<UUID> received = new HashSet<>();
            Await.until(Duration.ofSeconds(15), "all 10 at the new consumer (" + received.size() + " so far)", () -> {
                Message m;
                while ((m = fresh.receive(Duration.ofMillis(100))) != null) {
                    fresh.acknowledge(m);
                    received.add(m.id());
                }
                return received.size() == sent.size();
            });
            assertThat(received).isEqualTo(sent);
        } finally {
            fresh.close();
        }
    }

    @Test
    void settlingAMessageDeliveredBeforeAReconnectCausesNoChannelError() {
        String topic = fixture.uniqueTopic("stale-tag");
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(topic));
        Message sent = message(topic);
        confirm(fixture.producer().send(sent));
        Message beforeReconnect = receive(consumer);

        assertThat(TestBroker.closeConnections(fixture.prefix())).isEqualTo(2);
        Message redelivered = Await.value(Duration.ofSeconds(20), "the redelivery after recovery", () -> {
            try {
                return consumer.receive(Duration.ofMillis(100));
            } catch (ChannelFailureException e) {
                return null;
            }
        });
        consumer.acknowledge(beforeReconnect);
        consumer.requeue(beforeReconnect, Duration.ZERO);
        consumer.acknowledge(redelivered);

        assertThat(redelivered.id()).isEqualTo(sent.id());
        Message next = message(topic);
        Await.until(Duration.ofSeconds(20), "the producer to recover", () -> {
            try {
                fixture.producer().send(next).get(5, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        Message afterwards = receive(consumer);
        assertThat(afterwards.id()).as("the channel still works, nothing came back twice").isEqualTo(next.id());
        consumer.acknowledge(afterwards);
    }

    @Test
    void aConsumerWhoseQueueIsDeletedFailsNamingTheQueue() throws Exception {
        String topic = fixture.uniqueTopic("deleted");
        ChannelSpec subscription = fixture.subscription(topic);
        RabbitMqConsumer consumer = fixture.consumer(subscription);
        try (var connection = TestBroker.rawConnection(); var channel = connection.createChannel()) {
            channel.queueDelete(subscription.channel());
        }

        Await.until(Duration.ofSeconds(10), "receive to fail", () -> {
            try {
                consumer.receive(Duration.ofMillis(50));
                return false;
            } catch (ChannelFailureException e) {
                assertThat(e).hasMessageContaining(subscription.channel());
                return true;
            }
        });
    }
}
