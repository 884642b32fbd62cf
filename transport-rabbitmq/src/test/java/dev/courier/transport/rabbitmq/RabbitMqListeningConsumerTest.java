package dev.courier.transport.rabbitmq;

import dev.courier.spi.ChannelSpec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelFailureException;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A listening consumer offers each delivery to its listener on a thread of its own (the reply channel's), never on the
 * thread that reads the connection, which every consumer of the transport shares.
 */
class RabbitMqListeningConsumerTest extends WithRabbitMqFixture {
    static final Duration WAIT = Duration.ofSeconds(10);

    static Message message(String topic, String take) {
        return new Message(MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND)
                .bag(Map.of("take", take)).build(), MessageBody.json("{}"));
    }

    @Test
    void theListenerSettlesWhatItTakesOnTheDeliveryThreadAndWhatItDeclinesComesThroughReceive() {
        String topic = fixture.uniqueTopic("listen");
        ChannelSpec subscription = fixture.subscription(topic);
        Map<UUID, String> taken = new ConcurrentHashMap<>();
        RabbitMqConsumer consumer = fixture.transport().createConsumer(subscription, (message, self) -> {
            if (!message.header().bag().get("take").equals("yes")) {
                return false;
            }
            taken.put(message.id(), Thread.currentThread().getName());
            self.acknowledge(message);
            return true;
        });
        Message takenOne = message(topic, "yes");
        Message declinedOne = message(topic, "no");
        RabbitMqTransportTest.confirm(fixture.producer().send(takenOne));
        RabbitMqTransportTest.confirm(fixture.producer().send(declinedOne));

        Message received = RabbitMqTransportTest.receive(consumer);
        assertThat(received.id()).isEqualTo(declinedOne.id());
        consumer.acknowledge(received);
        Await.until(WAIT, "the listener to take " + takenOne.id(), () -> taken.containsKey(takenOne.id()));
        assertThat(taken.get(takenOne.id())).isNotEqualTo(Thread.currentThread().getName());
        assertThat(consumer.receive(Duration.ofMillis(200))).isNull();

        consumer.close();
        assertThat(fixture.consumer(subscription).receive(Duration.ofMillis(500)))
                .as("both were acknowledged, so nothing comes back after the consumer closed").isNull();
    }

    @Test
    void aListenerThatBlocksHoldsUpNeitherTheConnectionNorAnotherConsumer() throws InterruptedException {
        String topic = fixture.uniqueTopic("listen-blocks");
        String otherTopic = fixture.uniqueTopic("listen-other");
        ChannelSpec subscription = fixture.subscription(topic);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> listenerThread = new AtomicReference<>();
        RabbitMqConsumer consumer = fixture.transport().createConsumer(subscription, (message, self) -> {
            listenerThread.set(Thread.currentThread().getName());
            try {
                release.await(); // a caller's continuation that blocks, say
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            self.acknowledge(message);
            return true;
        });
        RabbitMqConsumer other = fixture.consumer(fixture.subscription(otherTopic));
        try {
            Message held = message(topic, "yes");
            RabbitMqTransportTest.confirm(fixture.producer().send(held));
            Await.until(WAIT, "the listener to hold " + held.id(), () -> listenerThread.get() != null);
            assertThat(listenerThread.get()).startsWith("courier-rabbitmq-listener-");

            Set<UUID> sent = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                Message m = message(otherTopic, "no");
                sent.add(m.id());
                RabbitMqTransportTest.confirm(fixture.producer().send(m));
            }
            Set<UUID> received = new HashSet<>();
            int duplicates = 0;
            while (received.size() < sent.size()) {
                Message m = RabbitMqTransportTest.receive(other); // fails after its wait: the connection is stuck
                duplicates += received.add(m.id()) ? 0 : 1;
                other.acknowledge(m);
            }
            assertThat(received).as("lost 0 while the listener blocks").isEqualTo(sent);
            assertThat(duplicates).as("duplicates (bound 0: nothing was redelivered)").isZero();
        } finally {
            release.countDown();
        }
        consumer.close();
        other.close();
    }

    @Test
    void aListenerThatThrowsBreaksTheConsumerAndItsMessageIsRedelivered() {
        String topic = fixture.uniqueTopic("listen-fails");
        ChannelSpec subscription = fixture.subscription(topic);
        AtomicBoolean offered = new AtomicBoolean();
        RabbitMqConsumer consumer = fixture.transport().createConsumer(subscription, (message, self) -> {
            offered.set(true);
            throw new IllegalStateException("listener bug");
        });
        Message sent = message(topic, "yes");
        RabbitMqTransportTest.confirm(fixture.producer().send(sent));

        Await.until(WAIT, "the message to be offered", offered::get);
        // the consumer counts as broken once offer() has caught the throw, a moment after the listener began
        ChannelFailureException broken = Await.value(WAIT, "receive to fail", () -> {
            try {
                consumer.receive(Duration.ofMillis(100));
                return null;
            } catch (ChannelFailureException e) {
                return e;
            }
        });
        assertThat(broken).hasMessageContaining("listener bug");
        consumer.close();
        assertThat(RabbitMqTransportTest.receive(fixture.consumer(subscription)).id()).isEqualTo(sent.id());
    }
}
