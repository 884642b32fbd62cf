package dev.courier.transport.rabbitmq;

import dev.courier.spi.ChannelSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageProducer;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.internal.Connections;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RabbitMqTransportTest extends WithRabbitMqFixture {
    static final Duration WAIT = Duration.ofSeconds(10);

    static Message message(String topic) {
        return new Message(MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND).build(),
                MessageBody.json("{\"n\":1}"));
    }

    static void confirm(CompletableFuture<Void> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not confirmed", e);
        }
    }

    static Message receive(RabbitMqConsumer consumer) {
        return Await.value(WAIT, "a message", () -> consumer.receive(Duration.ofMillis(100)));
    }

    @Test
    void roundTripKeepsEveryHeaderFieldAndTheBody() {
        String topic = fixture.uniqueTopic("round-trip");
        ChannelSpec subscription = fixture.subscription(topic);
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), topic, MessageType.EVENT)
                .timestamp(Instant.now().truncatedTo(ChronoUnit.MICROS))
                .correlationId(UUID.randomUUID()).replyTo("replies.here").partitionKey("customer-7")
                .bag(Map.of("tenant", "acme", "trace-id", "abc-123")).build();
        Message sent = new Message(header, MessageBody.of("héllo".getBytes(StandardCharsets.UTF_8), "text/plain"));

        confirm(fixture.producer().send(sent));
        Message received = receive(fixture.consumer(subscription));

        assertThat(received.header()).isEqualTo(header);
        assertThat(received.body()).isEqualTo(sent.body());
        assertThat(received.receipt()).isNotNull();
    }

    @Test
    void everyChannelOnATopicGetsItsOwnCopy() {
        String topic = fixture.uniqueTopic("fan-out");
        ChannelSpec billing = fixture.subscription(topic).withChannel(topic + ".billing");
        ChannelSpec audit = fixture.subscription(topic).withChannel(topic + ".audit");
        fixture.transport().declareChannel(billing);
        fixture.transport().declareChannel(audit);
        Message sent = message(topic);

        confirm(fixture.producer().send(sent));

        assertThat(receive(fixture.consumer(billing)).id()).isEqualTo(sent.id());
        assertThat(receive(fixture.consumer(audit)).id()).isEqualTo(sent.id());
        assertThat(receive(fixture.consumer(fixture.subscription(topic))).id()).isEqualTo(sent.id());
    }

    @Test
    void competingConsumersOnOneChannelShareTheMessagesWithoutDuplicates() throws Exception {
        String topic = fixture.uniqueTopic("compete");
        ChannelSpec subscription = fixture.subscription(topic).withPrefetch(5);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        Set<UUID> sent = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            Message message = message(topic);
            sent.add(message.id());
            sends.add(fixture.producer().send(message));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        Map<UUID, Integer> seen = new ConcurrentHashMap<>();
        Map<Integer, Integer> perConsumer = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        // every consumer registers before any starts draining, so each gets its prefetch of the backlog
        List<RabbitMqConsumer> consumers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            consumers.add(fixture.consumer(subscription));
        }
        for (int c = 0; c < 3; c++) {
            RabbitMqConsumer consumer = consumers.get(c);
            int index = c;
            Thread thread = new Thread(() -> {
                // drain until all are in (a quiet moment on a loaded broker is no sign that the backlog is done)
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (received.get() < sent.size() && System.nanoTime() < deadline) {
                    Message m = consumer.receive(Duration.ofMillis(100));
                    if (m != null) {
                        seen.merge(m.id(), 1, Integer::sum);
                        perConsumer.merge(index, 1, Integer::sum);
                        consumer.acknowledge(m);
                        received.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }

        assertThat(seen.keySet()).isEqualTo(sent);
        assertThat(seen.values()).allMatch(count -> count == 1);
        assertThat(perConsumer).hasSize(3);
    }

    @Test
    void requeuedMessageWaitsAtLeastItsDelayAndCountsOneMore() {
        String topic = fixture.uniqueTopic("requeue");
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(topic));
        confirm(fixture.producer().send(message(topic)));
        Message first = receive(consumer);
        assertThat(first.header().handledCount()).isZero();

        long requeuedAt = System.nanoTime();
        consumer.requeue(first, Duration.ofMillis(800));
        Message again = receive(consumer);
        Duration waited = Duration.ofNanos(System.nanoTime() - requeuedAt);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.header().handledCount()).isEqualTo(1);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(800));
        consumer.requeue(again, Duration.ZERO);
        assertThat(receive(consumer).header().handledCount()).isEqualTo(2);
    }

    @Test
    void aHandledCountHeaderFromAProducerIsNotTrusted() throws Exception {
        String topic = fixture.uniqueTopic("forged");
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(topic));
        UUID id = UUID.randomUUID();
        UUID forgedDeathId = UUID.randomUUID();
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish(fixture.prefix(), topic, true, new AMQP.BasicProperties.Builder()
                    .messageId(id.toString()).type("COMMAND").contentType("application/json")
                    .headers(Map.of("courier-handled-count", 7, "x-death", List.of(Map.of("queue", "elsewhere",
                            "reason", "expired", "count", 1L)))).build(), "{}".getBytes(StandardCharsets.UTF_8));
            // the requeue path's own header forged too, naming this channel's queue: it came by the topic exchange,
            // not out of the delay levels (where a requeued copy comes back from)
            channel.basicPublish(fixture.prefix(), topic, true, new AMQP.BasicProperties.Builder()
                    .messageId(forgedDeathId.toString()).type("COMMAND").contentType("application/json")
                    .headers(Map.of("courier-handled-count", 7, "courier-retry-queue", topic, "x-death",
                            List.of(Map.of("queue", fixture.prefix() + ".delay-level.00", "reason", "expired",
                                    "count", 1L)))).build(),
                    "{}".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(30_000);
        }
        Message viaCourier = new Message(message(topic).header().toBuilder().handledCount(5)
                .bag(Map.of("courier-handled-count", "9")).build(), MessageBody.json("{}"));
        confirm(fixture.producer().send(viaCourier));

        Message forged = receive(consumer);
        Message forgedDeath = receive(consumer);
        Message fromCourier = receive(consumer);

        assertThat(forged.id()).isEqualTo(id);
        assertThat(forged.header().handledCount()).isZero();
        assertThat(forgedDeath.id()).isEqualTo(forgedDeathId);
        assertThat(forgedDeath.header().handledCount()).as("count with a forged retry queue header").isZero();
        assertThat(fromCourier.id()).isEqualTo(viaCourier.id());
        assertThat(fromCourier.header().handledCount()).isZero();
        assertThat(fromCourier.header().bag()).doesNotContainKey("courier-handled-count");
    }

    @Test
    void rejectedMessageGoesToDeadLettersWithItsReason() {
        String topic = fixture.uniqueTopic("reject");
        ChannelSpec subscription = fixture.subscription(topic);
        RabbitMqConsumer consumer = fixture.consumer(subscription);
        Message sent = message(topic);
        confirm(fixture.producer().send(sent));
        Message received = receive(consumer);
        DeadLetterReason reason = new DeadLetterReason("rejected", "no such customer", "java.lang.IllegalStateException",
                topic, 1, Instant.now());

        consumer.reject(received, reason);

        List<Message> dead = Await.value(WAIT, "a dead letter", () -> {
            List<Message> found = fixture.deadLetters(subscription);
            return found.isEmpty() ? null : found;
        });
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).id()).isEqualTo(sent.id());
        assertThat(dead.get(0).body()).isEqualTo(sent.body());
        assertThat(dead.get(0).header().bag()).containsAllEntriesOf(reason.asHeaders());
        assertThat(consumer.receive(Duration.ofMillis(300))).as("not redelivered").isNull();
    }

    @Test
    void delayedPostIsDeliveredNoSoonerThanItsDelay() {
        String topic = fixture.uniqueTopic("delayed");
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(topic));
        Message sent = new Message(message(topic).header().withDelay(Duration.ofMillis(1200)), MessageBody.json("{}"));

        long sentAt = System.nanoTime();
        confirm(fixture.producer().send(sent));
        Message received = receive(consumer);

        assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
        assertThat(received.id()).isEqualTo(sent.id());
        assertThat(received.header().delay()).isEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void unroutableMessageFailsItsFutureNamingTheTopic() {
        String topic = fixture.uniqueTopic("nobody-listens");
        Message sent = message(topic);

        assertThatThrownBy(() -> fixture.producer().send(sent).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UnroutableMessageException.class)
                .hasMessageContaining(topic).hasMessageContaining(sent.id().toString());
    }

    @Test
    void anUnconfirmedSendIsDeliveredAndCompletesWithoutWaitingForTheBroker() throws Exception {
        String topic = fixture.uniqueTopic("unconfirmed");
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(topic));
        Message sent = message(topic);
        Message unroutable = message(fixture.uniqueTopic("nobody-listens"));

        CompletableFuture<Void> delivered = fixture.producer().sendUnconfirmed(sent);
        CompletableFuture<Void> lost = fixture.producer().sendUnconfirmed(unroutable);

        assertThat(delivered).isCompleted();
        assertThat(lost).as("no confirm is awaited, so an unroutable message is not reported").isCompleted();
        assertThat(receive(consumer).id()).isEqualTo(sent.id());
    }

    @Test
    void oversizeBodyFailsWithAClearErrorAndIsNotSent() {
        RabbitMqTransportFixture small = new RabbitMqTransportFixture(b -> b.maxBodySize(1024));
        try {
            String topic = small.uniqueTopic("big");
            RabbitMqConsumer consumer = small.consumer(small.subscription(topic));
            Message big = new Message(message(topic).header(), MessageBody.of(new byte[1025], "application/octet-stream"));

            assertThatThrownBy(() -> small.producer().send(big).join())
                    .hasCauseInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("1025 bytes").hasMessageContaining("limit of 1024").hasMessageContaining(topic);
            assertThatThrownBy(() -> small.producer().sendBatch(List.of(message(topic), big)).join())
                    .hasCauseInstanceOf(MessageTooLargeException.class);
            assertThat(consumer.receive(Duration.ofMillis(300))).isNull();
        } finally {
            small.close();
        }
    }

    @Test
    void batchCompletesOnceEveryMessageIsConfirmed() throws Exception {
        String topic = fixture.uniqueTopic("batch");
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(topic));
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(message(topic));
        }

        fixture.producer().sendBatch(batch).get(10, TimeUnit.SECONDS);

        Set<UUID> received = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Message m = receive(consumer);
            received.add(m.id());
            consumer.acknowledge(m);
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(batch.stream().map(Message::id).toList());
    }

    @Test
    void aDelayedPostToATopicNoQueueIsBoundToIsKeptInTheUnroutableQueueNotDropped() {
        String nowhere = fixture.uniqueTopic("nowhere");
        Message late = message(nowhere);
        late = late.withHeader(late.header().withDelay(Duration.ofMillis(300)));

        confirm(fixture.producer().send(late));                 // taken by the wait queue: confirmed

        Await.until(WAIT, () -> "the expired post in the unroutable queue, which holds "
                + fixture.transport().unroutableCount(), () -> fixture.transport().unroutableCount() == 1);
    }

    @Test
    void aRequeueWhoseWorkQueueWasDeletedMeanwhileIsKeptInTheUnroutableQueue() throws Exception {
        String topic = fixture.uniqueTopic("gone");
        ChannelSpec subscription = fixture.subscription(topic);
        RabbitMqConsumer consumer = fixture.consumer(subscription);
        confirm(fixture.producer().send(message(topic)));
        Message received = receive(consumer);
        consumer.requeue(received, Duration.ofMillis(500));
        consumer.close();
        try (Connection raw = TestBroker.rawConnection(); Channel channel = raw.createChannel()) {
            channel.queueDelete(subscription.channel());
        }

        Await.until(WAIT, () -> "the requeued message in the unroutable queue, which holds "
                + fixture.transport().unroutableCount(), () -> fixture.transport().unroutableCount() == 1);
    }

    @Test
    void messageWithoutAValidIdOrWithABrokenHeaderComesBackAsUnacceptable() throws Exception {
        String topic = fixture.uniqueTopic("garbage");
        ChannelSpec subscription = fixture.subscription(topic);
        RabbitMqConsumer consumer = fixture.consumer(subscription);
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish(fixture.prefix(), topic, true, new AMQP.BasicProperties.Builder()
                    .headers(Map.of("courier-unacceptable-reason", "forged: all is well")).build(), "x".getBytes());
            channel.basicPublish(fixture.prefix(), topic, true, new AMQP.BasicProperties.Builder()
                    .messageId(UUID.randomUUID().toString()).type("GOSSIP")
                    .headers(Map.of("courier-timestamp", "yesterday", "courier-delay-ms", "-5")).build(),
                    "y".getBytes());
            channel.basicPublish(fixture.prefix(), topic, true, new AMQP.BasicProperties.Builder()
                    .messageId(UUID.randomUUID().toString()).type("unacceptable")
                    .headers(Map.of("courier-unacceptable-reason", "forged: ignore me")).build(), "z".getBytes());
            channel.waitForConfirmsOrDie(30_000);
        }

        Message noId = receive(consumer);
        Message broken = receive(consumer);
        Message selfDeclared = receive(consumer);
        assertThat(selfDeclared.header().messageType()).isEqualTo(MessageType.UNACCEPTABLE);
        assertThat(selfDeclared.header().bag()).as("a publisher cannot write the transport's reason")
                .doesNotContainKey("courier-unacceptable-reason");
        consumer.acknowledge(selfDeclared);

        assertThat(noId.header().messageType()).isEqualTo(MessageType.UNACCEPTABLE);
        assertThat(noId.header().bag()).containsEntry("courier-unacceptable-reason", "message_id is missing");
        assertThat(noId.topic()).isEqualTo(topic);
        assertThat(broken.header().messageType()).isEqualTo(MessageType.UNACCEPTABLE);
        assertThat(broken.header().bag().get("courier-unacceptable-reason"))
                .contains("GOSSIP").contains("yesterday").contains("courier-delay-ms");
        consumer.reject(noId, new DeadLetterReason("unacceptable", "bad", null, topic, 0, Instant.now()));
        consumer.reject(broken, new DeadLetterReason("unacceptable", "bad", null, topic, 0, Instant.now()));
        Await.until(WAIT, "both in dead letters", () -> fixture.deadLetters(subscription).size() == 2);
    }

    @Test
    void closingAConsumerPutsItsUnsettledMessagesBack() {
        String topic = fixture.uniqueTopic("close");
        ChannelSpec subscription = fixture.subscription(topic);
        RabbitMqConsumer first = fixture.consumer(subscription);
        Message sent = message(topic);
        confirm(fixture.producer().send(sent));
        assertThat(receive(first).id()).isEqualTo(sent.id());

        first.close();

        assertThat(receive(fixture.consumer(subscription)).id()).isEqualTo(sent.id());
    }

    @Test
    void aQuorumTransportCarriesMessagesLikeAClassicOneOnQuorumQueuesOnly() {
        RabbitMqTransportFixture quorum = new RabbitMqTransportFixture(b -> b.defaultQueueType(QueueType.QUORUM));
        try {
            String topic = quorum.uniqueTopic("quorum");
            RabbitMqConsumer consumer = quorum.consumer(quorum.subscription(topic));
            Message sent = message(topic);
            confirm(quorum.producer().send(sent));
            Message received = receive(consumer);
            consumer.requeue(received, Duration.ofMillis(100));
            Message again = receive(consumer);
            assertThat(again.id()).isEqualTo(sent.id());
            assertThat(again.header().handledCount()).isEqualTo(1);
            consumer.acknowledge(again);
            // on a cluster a classic queue lives on one node: every queue this transport declared is quorum
            Map<String, String> types = new java.util.TreeMap<>();
            TestBroker.ctl("list_queues", "-q", "--no-table-headers", "name", "type").lines()
                    .map(line -> line.trim().split("\\s+")).filter(cols -> cols[0].startsWith(quorum.prefix()))
                    .forEach(cols -> types.put(cols[0], cols[1]));
            assertThat(types).as("queues declared by a transport whose default type is quorum")
                    .containsKeys(topic, RabbitMqTransport.deadLetterQueue(topic), quorum.prefix() + ".unroutable")
                    .allSatisfy((name, type) -> assertThat(type).as(name).isEqualTo("quorum"));
        } finally {
            quorum.close();
        }
    }

    @Test
    void validateModeNamesTheMissingQueueAndTheMissingExchange() {
        String missingQueue = fixture.prefix() + ".missing-queue";
        try (RabbitMqTransport validating = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(TestBroker.uri())
                .exchange(fixture.prefix()).topologyMode(TopologyMode.VALIDATE).build())) {
            assertThatThrownBy(() -> validating.createConsumer(fixture.subscription(fixture.uniqueTopic("exists"))
                    .withChannel(missingQueue)))
                    .isInstanceOf(TopologyException.class).hasMessageContaining(missingQueue)
                    .hasMessageContaining("VALIDATE");
        }
        String missingExchange = fixture.prefix() + "-missing-exchange";
        assertThatThrownBy(() -> RabbitMqTransport.connect(RabbitMqConfig.builder().uri(TestBroker.uri())
                .exchange(missingExchange).topologyMode(TopologyMode.VALIDATE).build()))
                .isInstanceOf(TopologyException.class).hasMessageContaining(missingExchange);
        assertThat(TestBroker.queues(missingQueue)).isEmpty();
    }

    @Test
    void assumeModeUsesATopologyMadeBeforehandAndDeclaresNothingItself() {
        String topic = fixture.uniqueTopic("assumed");
        ChannelSpec made = fixture.subscription(topic); // the operator's topology: exchange, queues, bindings
        String unmade = fixture.prefix() + ".assumed-unmade";
        try (RabbitMqTransport assuming = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(TestBroker.uri())
                .exchange(fixture.prefix()).topologyMode(TopologyMode.ASSUME).build());
                MessageProducer producer = assuming.producer()) {
            RabbitMqConsumer consumer = assuming.createConsumer(made);
            Message sent = message(topic);
            confirm(producer.send(sent));
            Message received = receive(consumer);
            assertThat(received.id()).isEqualTo(sent.id());
            consumer.acknowledge(received);
            consumer.close();

            assertThatThrownBy(() -> assuming.createConsumer(
                    ChannelSpec.of(fixture.uniqueTopic("unmade")).withChannel(unmade)))
                    .hasMessageContaining(unmade);
        }
        assertThat(TestBroker.queues(unmade)).as("ASSUME declares no queue").isEmpty();
    }

    @Test
    void eachSendingThreadPublishesOnAChannelOfItsOwnUpToTheConfiguredNumber() throws Exception {
        String topic = fixture.uniqueTopic("lanes");
        ChannelSpec subscription = fixture.subscription(topic);
        int threads = 5;
        int each = 200;
        Set<UUID> sent = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (RabbitMqTransport transport = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(TestBroker.uri())
                .exchange(fixture.prefix()).publishChannels(3).build());
                RabbitMqProducer producer = transport.producer()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                senders.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        Message message = message(topic);
                        confirm(producer.send(message));
                        sent.add(message.id());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> sender : senders) {
                sender.get(60, TimeUnit.SECONDS);
            }
            assertThat(producer.publishingChannels()).as("one channel per thread, at most 3").isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        RabbitMqConsumer consumer = fixture.consumer(subscription);
        Set<UUID> received = new HashSet<>();
        Await.until(WAIT, "every message received", () -> {
            Message message = consumer.receive(Duration.ofMillis(100));
            if (message != null) {
                assertThat(received.add(message.id())).as("received once: %s", message.id()).isTrue();
                consumer.acknowledge(message);
            }
            return received.size() == threads * each;
        });
        assertThat(received).isEqualTo(sent);
    }

    @Test
    void aMessageFromAnotherConsumerCannotBeSettledHere() {
        String topic = fixture.uniqueTopic("foreign");
        ChannelSpec subscription = fixture.subscription(topic);
        RabbitMqConsumer one = fixture.consumer(subscription);
        RabbitMqConsumer other = fixture.consumer(subscription);
        confirm(fixture.producer().send(message(topic)));
        Message received = receive(one);

        assertThatThrownBy(() -> other.acknowledge(received)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(received.id().toString());
        assertThatThrownBy(() -> one.acknowledge(message(topic))).isInstanceOf(IllegalArgumentException.class);
        one.acknowledge(received);
    }

    @Test
    void theBrokerAgreesToTheConfiguredHeartbeatInWholeSeconds() throws Exception {
        RabbitMqConfig threeSeconds = RabbitMqConfig.builder().uri(TestBroker.uri())
                .heartbeat(Duration.ofSeconds(3)).build();
        try (Connection connection = Connections.open(threeSeconds, "heartbeat")) {
            assertThat(connection.getHeartbeat()).as("negotiated heartbeat (s)").isEqualTo(3);
        }
        assertThat(Connections.factory(RabbitMqConfig.builder().uri(TestBroker.uri())
                .heartbeat(Duration.ofMillis(2500)).build()).getRequestedHeartbeat()).isEqualTo(2);
        assertThat(Connections.factory(RabbitMqConfig.builder().uri(TestBroker.uri())
                .heartbeat(Duration.ofMillis(300)).build()).getRequestedHeartbeat()).isEqualTo(1);
        assertThatThrownBy(() -> RabbitMqConfig.builder().heartbeat(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat");
    }
}
