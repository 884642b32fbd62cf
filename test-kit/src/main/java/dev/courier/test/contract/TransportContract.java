package dev.courier.test.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.spi.ChannelSpec;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.test.Await;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every transport must have, as one suite that each transport's test extends with a
 * {@link TransportFixture}:
 *
 * <pre>{@code
 * class RabbitMqTransportContractTest extends TransportContract {
 *     @Override protected TransportFixture createFixture() { return new RabbitMqFixture(); }
 * }
 * }</pre>
 *
 * <p>Besides the SPI's own Javadoc, the suite relies on: a consumer's {@code close()} may be called twice; a
 * consumer made by {@code createConsumer} has its channel declared and bound when the call returns; timestamps
 * survive the wire at millisecond precision. Delays are checked against {@link TransportFixture#clock()}: a message
 * is never received before its delay has passed on that clock.
 */
public abstract class TransportContract {
    private static final Duration POLL = Duration.ofMillis(100);

    private final List<MessageConsumer> consumers = new ArrayList<>();
    private TransportFixture fixture;

    /** A fresh fixture for one test; the suite closes it after the test. */
    protected abstract TransportFixture createFixture();

    /** The delay the delay tests use. Free on a manual clock; a real broker's suite may shorten it. */
    protected Duration delay() {
        return Duration.ofSeconds(1);
    }

    /** How long the suite waits for something that should happen. */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    /** How long the suite watches for something that should not happen (a redelivery of an acknowledged message). */
    protected Duration quietPeriod() {
        return Duration.ofMillis(300);
    }

    @BeforeEach
    void openFixture() {
        fixture = createFixture();
    }

    @AfterEach
    void closeFixture() {
        try {
            consumers.forEach(MessageConsumer::close);
        } finally {
            fixture.close();
        }
    }

    @Test
    void sentMessageArrivesWithItsHeaderFieldsBagAndBodyIntact() {
        String topic = fixture.uniqueTopic("round-trip");
        MessageConsumer consumer = consumer(subscription(topic, topic + ".a"));
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND)
                .timestamp(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .correlationId(UUID.randomUUID())
                .replyTo("replies.round-trip")
                .partitionKey("customer-42")
                .bag(Map.of("tenant", "acme", "trace-id", "4bf92f3577b34da6a3ce929d0e0e4736"))
                .build();
        byte[] bytes = {0, 1, 2, (byte) 0x7f, (byte) 0x80, (byte) 0xff, '\n', 'x'};
        Message sent = new Message(header, MessageBody.of(bytes, "application/octet-stream"));

        confirm(fixture.producer().send(sent));
        Message received = receiveOne(consumer);

        assertThat(received.header()).isEqualTo(header);
        assertThat(received.body().bytes()).containsExactly(bytes);
        assertThat(received.body().contentType()).isEqualTo("application/octet-stream");
        assertThat(received.receipt()).as("a received message carries the transport's receipt").isNotNull();
        consumer.acknowledge(received);
    }

    @Test
    void anUnconfirmedSendArrivesLikeAnyOther() {
        String topic = fixture.uniqueTopic("unconfirmed");
        MessageConsumer consumer = consumer(subscription(topic, topic + ".a"));
        Message sent = message(topic, "reply-like");

        confirm(fixture.producer().sendUnconfirmed(sent));
        Message received = receiveOne(consumer);

        assertThat(received.id()).isEqualTo(sent.id());
        assertThat(received.body()).isEqualTo(sent.body());
        consumer.acknowledge(received);
    }

    @Test
    void everyChannelSubscribedToATopicGetsItsOwnCopy() {
        String topic = fixture.uniqueTopic("fan-out");
        String otherTopic = fixture.uniqueTopic("fan-out-other");
        MessageConsumer first = consumer(subscription(topic, topic + ".a"));
        MessageConsumer second = consumer(subscription(topic, topic + ".b"));
        MessageConsumer elsewhere = consumer(subscription(otherTopic, otherTopic + ".a"));
        Message sent = message(topic, "hello");

        confirm(fixture.producer().send(sent));

        Message toFirst = receiveOne(first);
        Message toSecond = receiveOne(second);
        assertThat(toFirst.id()).isEqualTo(sent.id());
        assertThat(toSecond.id()).isEqualTo(sent.id());
        first.acknowledge(toFirst);
        second.acknowledge(toSecond);
        assertThat(elsewhere.receive(quietPeriod())).as("a channel on another topic").isNull();
    }

    @Test
    void competingConsumersOnOneChannelShareTheMessagesWithNoneDuplicatedOrMissing() throws Exception {
        String topic = fixture.uniqueTopic("competing");
        ChannelSpec subscription = new ChannelSpec(topic, topic + ".a", 10);
        List<MessageConsumer> competitors = List.of(consumer(subscription), consumer(subscription));
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(message(topic, "competing " + i));
        }

        confirm(fixture.producer().sendBatch(sent));
        ConcurrentLinkedQueue<UUID> received = new ConcurrentLinkedQueue<>();
        AtomicInteger count = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (MessageConsumer competitor : competitors) {
                work.add(threads.submit(() -> drain(competitor, received, count, sent.size())));
            }
            for (Future<?> done : work) {
                done.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(received).hasSize(200).doesNotHaveDuplicates();
        assertThat(new HashSet<>(received)).isEqualTo(ids(sent));
        for (MessageConsumer competitor : competitors) {
            assertThat(competitor.receive(quietPeriod())).as("a message after all were acknowledged").isNull();
        }
    }

    @Test
    void twoConsumersHoldingUnsettledMessagesAreGivenDifferentMessages() {
        String topic = fixture.uniqueTopic("unsettled-pair");
        ChannelSpec subscription = new ChannelSpec(topic, topic + ".a", 1);
        MessageConsumer first = consumer(subscription);
        MessageConsumer second = consumer(subscription);
        List<Message> sent = List.of(message(topic, "one"), message(topic, "two"));

        confirm(fixture.producer().sendBatch(sent));
        Message toFirst = receiveOne(first);
        Message toSecond = receiveOne(second);

        assertThat(Set.of(toFirst.id(), toSecond.id())).isEqualTo(ids(sent));
        first.acknowledge(toFirst);
        second.acknowledge(toSecond);
    }

    @Test
    void acknowledgedMessageIsNeverDeliveredAgain() {
        String topic = fixture.uniqueTopic("ack");
        ChannelSpec subscription = subscription(topic, topic + ".a");
        MessageConsumer consumer = consumer(subscription);
        confirm(fixture.producer().send(message(topic, "once")));

        consumer.acknowledge(receiveOne(consumer));
        consumer.close();

        MessageConsumer next = consumer(subscription);
        assertThat(next.receive(quietPeriod())).as("a message that was acknowledged").isNull();
    }

    @Test
    void messageLeftUnsettledWhenItsConsumerClosesIsRedeliveredToAnotherConsumer() {
        String topic = fixture.uniqueTopic("close-unsettled");
        ChannelSpec subscription = new ChannelSpec(topic, topic + ".a", 1);
        MessageConsumer leaving = consumer(subscription);
        MessageConsumer staying = consumer(subscription);
        Message sent = message(topic, "not finished");
        confirm(fixture.producer().send(sent));

        Message unsettled = receiveOne(leaving);
        leaving.close();
        Message redelivered = receiveOne(staying);

        assertThat(unsettled.id()).isEqualTo(sent.id());
        assertThat(redelivered.id()).isEqualTo(sent.id());
        assertThat(redelivered.body()).isEqualTo(sent.body());
        staying.acknowledge(redelivered);
    }

    @Test
    void requeuedMessageIsHeldForItsDelayAndComesBackWithItsHandledCountRaised() {
        String topic = fixture.uniqueTopic("requeue-delay");
        MessageConsumer consumer = consumer(subscription(topic, topic + ".a"));
        Message sent = message(topic, "try again later");
        confirm(fixture.producer().send(sent));
        Message first = receiveOne(consumer);
        assertThat(first.header().handledCount()).isZero();

        Instant requeuedAt = fixture.clock().instant();
        consumer.requeue(first, delay());
        assertNotBeforeDelay(consumer.receive(POLL), requeuedAt, delay());
        fixture.passTime(delay());
        Message again = receiveOne(consumer);

        assertThat(Duration.between(requeuedAt, fixture.clock().instant()))
                .as("time between requeue and redelivery").isGreaterThanOrEqualTo(delay());
        assertThat(again.id()).isEqualTo(sent.id());
        assertThat(again.header().handledCount()).isEqualTo(1);
        assertThat(again.body()).isEqualTo(sent.body());
        consumer.acknowledge(again);
    }

    @Test
    void everyRequeueRaisesTheHandledCountByOne() {
        String topic = fixture.uniqueTopic("requeue-count");
        MessageConsumer consumer = consumer(subscription(topic, topic + ".a"));
        confirm(fixture.producer().send(message(topic, "count me")));

        Message received = receiveOne(consumer);
        List<Integer> counts = new ArrayList<>(List.of(received.header().handledCount()));
        for (int i = 0; i < 3; i++) {
            consumer.requeue(received, Duration.ZERO);
            received = receiveOne(consumer);
            counts.add(received.header().handledCount());
        }

        assertThat(counts).containsExactly(0, 1, 2, 3);
        consumer.acknowledge(received);
    }

    @Test
    void handledCountSetByAProducerIsNotTrusted() {
        String topic = fixture.uniqueTopic("forged-count");
        MessageConsumer consumer = consumer(subscription(topic, topic + ".a"));
        Message forged = message(topic, "claims to be old");
        forged = forged.withHeader(forged.header().withHandledCount(5));

        confirm(fixture.producer().send(forged));
        Message received = receiveOne(consumer);

        assertThat(received.id()).isEqualTo(forged.id());
        assertThat(received.header().handledCount()).isZero();
        consumer.acknowledge(received);
    }

    @Test
    void rejectedMessageGoesToTheChannelsDeadLettersWithItsReasonAndOriginalTopic() {
        String topic = fixture.uniqueTopic("reject");
        ChannelSpec subscription = subscription(topic, topic + ".a");
        MessageConsumer consumer = consumer(subscription);
        Message sent = message(topic, "unwanted");
        confirm(fixture.producer().send(sent));
        Message received = receiveOne(consumer);
        DeadLetterReason reason = new DeadLetterReason("rejected", "the handler refused it",
                "dev.courier.RejectMessageException", topic, 1, Instant.now().truncatedTo(ChronoUnit.MILLIS));

        consumer.reject(received, reason);

        List<Message> deadLetters = Await.value(timeout(), "a dead letter on " + subscription.channel(),
                () -> nonEmpty(fixture.deadLetters(subscription)));
        assertThat(deadLetters).hasSize(1);
        Message dead = deadLetters.get(0);
        assertThat(dead.id()).isEqualTo(sent.id());
        assertThat(dead.topic()).isEqualTo(topic);
        assertThat(dead.body()).isEqualTo(sent.body());
        assertThat(dead.header().bag())
                .containsAllEntriesOf(sent.header().bag())
                .containsAllEntriesOf(reason.asHeaders())
                .containsEntry(DeadLetterReason.ORIGINAL_TOPIC, topic);
        assertThat(consumer.receive(quietPeriod())).as("a rejected message redelivered").isNull();
    }

    @Test
    void messagePostedWithADelayIsNotDeliveredBeforeTheDelay() {
        String topic = fixture.uniqueTopic("post-delay");
        MessageConsumer consumer = consumer(subscription(topic, topic + ".a"));
        Message plain = message(topic, "later");
        Message sent = plain.withHeader(plain.header().withDelay(delay()));

        Instant sentAt = fixture.clock().instant();
        confirm(fixture.producer().send(sent));
        assertNotBeforeDelay(consumer.receive(POLL), sentAt, delay());
        fixture.passTime(delay());
        Message received = receiveOne(consumer);

        assertThat(Duration.between(sentAt, fixture.clock().instant()))
                .as("time between send and delivery").isGreaterThanOrEqualTo(delay());
        assertThat(received.id()).isEqualTo(sent.id());
        assertThat(received.header().handledCount()).isZero();
        consumer.acknowledge(received);
    }

    @Test
    void batchSendDeliversEveryMessageOnceConfirmed() {
        String topic = fixture.uniqueTopic("batch");
        MessageConsumer consumer = consumer(subscription(topic, topic + ".a"));
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(message(topic, "batch " + i));
        }

        confirm(fixture.producer().sendBatch(batch));
        Set<UUID> received = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            Message message = receiveOne(consumer);
            received.add(message.id());
            consumer.acknowledge(message);
        }

        assertThat(received).isEqualTo(ids(batch));
        assertThat(consumer.receive(quietPeriod())).as("an eleventh message").isNull();
    }

    // --- helpers for this suite and for transport-specific tests that extend it ---

    /** The fixture of the running test. */
    protected final TransportFixture fixture() {
        return fixture;
    }

    /** The channel {@code channel} on {@code topic}, with the default prefetch. */
    protected final ChannelSpec subscription(String topic, String channel) {
        return new ChannelSpec(topic, channel, ChannelSpec.DEFAULT_PREFETCH);
    }

    /** A consumer the suite closes after the test. */
    protected final MessageConsumer consumer(ChannelSpec subscription) {
        MessageConsumer consumer = fixture.transport().createConsumer(subscription);
        consumers.add(consumer);
        return consumer;
    }

    /** A command with a text body and one bag entry. */
    protected static Message message(String topic, String text) {
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND)
                .timestamp(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .bag(Map.of("origin", "contract-test"))
                .build();
        return new Message(header, MessageBody.text(text));
    }

    /** Polls {@code consumer} until a message arrives, failing after {@link #timeout()}. */
    protected final Message receiveOne(MessageConsumer consumer) {
        return Await.value(timeout(), "a message", () -> consumer.receive(POLL));
    }

    /** Waits for a send to be confirmed, failing after {@link #timeout()}. */
    protected final void confirm(CompletableFuture<Void> sent) {
        assertThat(sent).succeedsWithin(timeout());
    }

    /** A message received while its delay should still hold must at least have waited that long on the clock. */
    private void assertNotBeforeDelay(Message early, Instant since, Duration delay) {
        if (early != null) {
            assertThat(Duration.between(since, fixture.clock().instant()))
                    .as("message %s was received before its delay of %s", early.id(), delay)
                    .isGreaterThanOrEqualTo(delay);
        }
    }

    private void drain(MessageConsumer consumer, ConcurrentLinkedQueue<UUID> received, AtomicInteger count,
            int expected) {
        long deadline = System.nanoTime() + timeout().toNanos();
        while (count.get() < expected && System.nanoTime() - deadline < 0) {
            Message message = consumer.receive(POLL);
            if (message != null) {
                received.add(message.id());
                count.incrementAndGet();
                consumer.acknowledge(message);
            }
        }
    }

    private static Set<UUID> ids(List<Message> messages) {
        return messages.stream().map(Message::id).collect(Collectors.toSet());
    }

    private static <T> List<T> nonEmpty(List<T> list) {
        return list.isEmpty() ? null : list;
    }
}
