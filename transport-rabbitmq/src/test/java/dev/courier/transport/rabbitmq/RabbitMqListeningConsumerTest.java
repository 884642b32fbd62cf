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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A listening consumer offers each delivery to its listener on the client's delivery thread (the reply channel's). */
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
