package dev.courier.transport.rabbitmq;

import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.confirm;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterReason;
import dev.courier.test.Await;
import dev.courier.transport.rabbitmq.internal.Receipt;
import dev.courier.transport.rabbitmq.internal.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Messages that can never be settled reach the dead letters once, after a bounded number of deliveries: one whose
 * consumer goes away mid-handling every time (a crash, a kill, the broker's consumer timeout: each returns the
 * message unsettled), one whose body is over {@code maxBodySize}, and one over the client's inbound limit itself.
 * Good messages behind them flow.
 */
class RabbitMqDeliveryLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private RabbitMqTransportFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private ChannelSpec channel(UnaryOperator<RabbitMqConfigBuilder> settings) {
        fixture = new RabbitMqTransportFixture(settings);
        return fixture.subscription(fixture.uniqueTopic("limit"));
    }

    @ParameterizedTest
    @EnumSource(QueueType.class)
    void aMessageWhoseConsumerNeverSettlesItIsDeadLetteredOnceAfterTheDeliveryLimit(QueueType type)
            throws Exception {
        ChannelSpec spec = channel(b -> b.defaultQueueType(type).deliveryLimit(3));
        Message poison = message(spec.topic());
        confirm(fixture.producer().send(poison));
        int delivered = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fixture.deadLetters(spec).isEmpty()) {
            assertThat(System.nanoTime()).as("dead-lettered within " + WAIT).isLessThan(deadline);
            // Each consumer takes the message and goes away without settling it, as a crashed one would.
            try (RabbitMqConsumer consumer = fixture.transport().createConsumer(spec)) {
                Message got = consumer.receive(Duration.ofMillis(500));
                if (got != null) {
                    assertThat(got.id()).isEqualTo(poison.id());
                    delivered++;
                }
            }
        }
        List<Message> dead = fixture.deadLetters(spec);
        assertThat(delivered).as("deliveries handed to a consumer").isEqualTo(3);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).id()).isEqualTo(poison.id());
        assertThat(dead.get(0).header().bag()).containsEntry(DeadLetterReason.REASON, DeliveryLimit.REASON)
                .containsEntry(DeadLetterReason.ATTEMPTS, "3");
        assertThat(dead.get(0).header().bag().get(DeadLetterReason.DETAIL)).contains("delivery limit is 3");
        assertThat(ready(spec)).as("left in the work queue").isZero();

        // A message that is settled is never counted, however the ones before it went.
        Message good = message(spec.topic());
        confirm(fixture.producer().send(good));
        RabbitMqConsumer consumer = fixture.consumer(spec);
        Message got = RabbitMqTransportTest.receive(consumer);
        assertThat(got.id()).isEqualTo(good.id());
        consumer.acknowledge(got);
        assertThat(fixture.deadLetters(spec)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(QueueType.class)
    void aRequeuedMessageRedeliveredAfterACrashKeepsItsHandledCount(QueueType type) throws Exception {
        ChannelSpec spec = channel(b -> b.defaultQueueType(type).deliveryLimit(5));
        Message sent = message(spec.topic());
        confirm(fixture.producer().send(sent));
        try (RabbitMqConsumer first = fixture.transport().createConsumer(spec)) {
            Message got = RabbitMqTransportTest.receive(first);
            assertThat(got.header().handledCount()).isZero();
            first.requeue(got, Duration.ZERO);
            Message again = RabbitMqTransportTest.receive(first);
            assertThat(again.id()).isEqualTo(sent.id());
            assertThat(again.header().handledCount()).as("after one requeue").isEqualTo(1);
            // Closed without settling it, as a crashed consumer would: the broker redelivers it.
        }
        RabbitMqConsumer second = fixture.consumer(spec);
        Message redelivered = RabbitMqTransportTest.receive(second);
        assertThat(redelivered.id()).isEqualTo(sent.id());
        assertThat(redelivered.header().handledCount()).as("after one requeue and a crash").isEqualTo(1);
        second.requeue(redelivered, Duration.ZERO);
        Message third = RabbitMqTransportTest.receive(second);
        assertThat(third.header().handledCount()).as("after two requeues").isEqualTo(2);
        second.acknowledge(third);
        assertThat(second.receive(Duration.ofMillis(300))).as("one copy, no duplicate").isNull();
        assertThat(fixture.deadLetters(spec)).isEmpty();
        assertThat(ready(spec)).as("left in the work queue").isZero();
    }

    @Test
    void inValidateModeARedeliveryIsCountedInItsOwnQueueWhichCourierDidNotBindToTheDelayExit() throws Exception {
        fixture = new RabbitMqTransportFixture();
        String topic = fixture.uniqueTopic("operator");
        String queue = topic + ".operators"; // the operator's queue: bound to the topic only, not to the delay exit
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(RabbitMqTransport.deadLetterQueue(queue), true, false, false, null);
            channel.queueDeclare(queue, true, false, false, Map.of("x-dead-letter-exchange", "",
                    "x-dead-letter-routing-key", RabbitMqTransport.deadLetterQueue(queue)));
            channel.queueBind(queue, fixture.prefix(), topic);
        }
        ChannelSpec spec = ChannelSpec.of(topic).withChannel(queue);
        try (RabbitMqTransport validating = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(TestBroker.uri())
                .exchange(fixture.prefix()).topologyMode(TopologyMode.VALIDATE).deliveryLimit(3).build())) {
            Message sent = message(topic);
            confirm(fixture.producer().send(sent));
            try (RabbitMqConsumer first = validating.createConsumer(spec)) {
                assertThat(RabbitMqTransportTest.receive(first).id()).isEqualTo(sent.id());
                // Closed without settling it, as a crashed consumer would.
            }
            try (RabbitMqConsumer second = validating.createConsumer(spec)) {
                Message again = RabbitMqTransportTest.receive(second);
                assertThat(again.id()).as("counted in its own queue, not sent where no binding takes it")
                        .isEqualTo(sent.id());
                assertThat(((Receipt) again.receipt()).properties().getHeaders())
                        .as("the copy with its count, not the redelivery itself")
                        .containsEntry(WireFormat.DELIVERIES, 1);
                second.acknowledge(again);
            }
        }
        assertThat(leftovers(queue)).as("ready in the queue, in the unroutable queue").containsExactly(0, 0);
    }

    private int[] leftovers(String queue) throws Exception {
        return ready(queue, fixture.prefix() + ".unroutable");
    }

    @Test
    void aBodyOverMaxBodySizeIsDeadLetteredUnreadAndTheMessagesBehindItFlow() throws Exception {
        ChannelSpec spec = channel(b -> b.maxBodySize(1024).maxInboundBodySize(64 * 1024));
        String big = UUID.randomUUID().toString();
        publishRaw(spec.topic(), big, new byte[10 * 1024]);
        List<UUID> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message good = message(spec.topic());
            confirm(fixture.producer().send(good));
            sent.add(good.id());
        }
        RabbitMqConsumer consumer = fixture.consumer(spec);
        List<UUID> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message got = RabbitMqTransportTest.receive(consumer);
            received.add(got.id());
            consumer.acknowledge(got);
        }
        assertThat(received).containsExactlyElementsOf(sent);
        GetResponse dead = Await.value(WAIT, "the big message in the dead letters", () -> getDeadLetter(spec));
        assertThat(dead.getProps().getMessageId()).isEqualTo(big);
        assertThat(dead.getBody()).as("kept whole").hasSize(10 * 1024);
        assertThat(reason(dead)).isEqualTo("rejected");
    }

    @Test
    void onAQuorumQueueABodyOverTheInboundLimitIsDeadLetteredByTheBrokerAfterTheDeliveryLimit() throws Exception {
        ChannelSpec spec = channel(b -> b.defaultQueueType(QueueType.QUORUM).deliveryLimit(2).maxBodySize(1024)
                .maxInboundBodySize(4 * 1024));
        String huge = UUID.randomUUID().toString();
        publishRaw(spec.topic(), huge, new byte[40 * 1024]); // ten times the inbound limit
        Set<UUID> sent = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Message good = message(spec.topic());
            confirm(fixture.producer().send(good));
            sent.add(good.id());
        }
        RabbitMqConsumer consumer = fixture.consumer(spec);
        Set<UUID> received = new HashSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!received.containsAll(sent)) {
            assertThat(System.nanoTime()).as("the good messages within " + WAIT + " (" + received.size()
                    + " received, consumer: " + consumer.unavailableReason() + ", ready " + ready(spec) + ")")
                    .isLessThan(deadline);
            Message got = consumer.receive(Duration.ofMillis(200));
            if (got != null) {
                received.add(got.id());
                consumer.acknowledge(got);
            }
        }
        GetResponse dead = Await.value(WAIT, "the huge message in the dead letters", () -> getDeadLetter(spec));
        assertThat(dead.getProps().getMessageId()).isEqualTo(huge);
        assertThat(reason(dead)).isEqualTo("delivery_limit");
        assertThat(getDeadLetter(spec)).as("dead-lettered once").isNull();
    }

    private void publishRaw(String topic, String messageId, byte[] body) throws Exception {
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish(fixture.prefix(), topic, true, new AMQP.BasicProperties.Builder()
                    .messageId(messageId).deliveryMode(2).contentType("application/json").build(), body);
            channel.waitForConfirmsOrDie(10_000);
        }
    }

    private static GetResponse getDeadLetter(ChannelSpec spec) {
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            return channel.basicGet(RabbitMqTransport.deadLetterQueue(spec.channel()), true);
        } catch (Exception e) {
            throw new AssertionError("cannot read the dead letters of " + spec.channel(), e);
        }
    }

    private static int ready(ChannelSpec spec) throws Exception {
        return ready(spec.channel())[0];
    }

    /** The messages ready in each of {@code queues}, in order. */
    private static int[] ready(String... queues) throws Exception {
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            int[] counts = new int[queues.length];
            for (int i = 0; i < queues.length; i++) {
                counts[i] = channel.queueDeclarePassive(queues[i]).getMessageCount();
            }
            return counts;
        }
    }

    @SuppressWarnings("unchecked")
    private static String reason(GetResponse response) {
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) response.getProps().getHeaders().get("x-death");
        return String.valueOf(deaths.get(0).get("reason"));
    }
}
