package dev.courier.transport.rabbitmq;

import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.confirm;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.message;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.receive;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.message.Message;
import dev.courier.runtime.DeadLetters;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterEntry;
import dev.courier.spi.DeadLetterFilter;
import dev.courier.spi.DeadLetterReason;
import dev.courier.test.Await;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Where a message's topic travels, watched with a plain client: in the routing key of a post (the
 * {@code courier-topic} header only on a delayed post, whose routing key is the delay's bits), and through the
 * broker's own dead-lettering, which gives the message its dead-letter queue's routing key.
 */
class RabbitMqTopicOnTheWireTest extends WithRabbitMqFixture {

    @Test
    void aPostNamesItsTopicByRoutingKeyAndADelayedPostByHeader() throws Exception {
        String topic = fixture.uniqueTopic("topic-key");
        ChannelSpec subscription = fixture.subscription(topic);
        Message plain = message(topic);
        confirm(fixture.producer().send(plain));

        GetResponse raw = get(subscription.channel());
        assertThat(raw).as("the post, confirmed").isNotNull();
        assertThat(raw.getEnvelope().getRoutingKey()).isEqualTo(topic);
        assertThat(raw.getProps().getHeaders()).as("the routing key says it")
                .doesNotContainKey("courier-topic").containsKey("courier-timestamp");

        Message delayed = new Message(message(topic).header().toBuilder().delay(Duration.ofMillis(50)).build(),
                plain.body());
        confirm(fixture.producer().send(delayed));
        GetResponse late = Await.value(RabbitMqTransportTest.WAIT, "the delayed post",
                () -> get(subscription.channel()));
        assertThat(late.getProps().getHeaders()).containsKey("courier-topic");
        assertThat(late.getProps().getHeaders().get("courier-topic").toString()).isEqualTo(topic);

        Message again = message(topic);
        confirm(fixture.producer().send(again));
        Message received = receive(fixture.consumer(subscription));
        assertThat(received.id()).isEqualTo(again.id());
        assertThat(received.topic()).isEqualTo(topic);
    }

    @Test
    void aMessageTheBrokerDeadLettersKeepsItsTopicThroughShowAndRedrive() throws Exception {
        String topic = fixture.uniqueTopic("topic-dead");
        // A channel named apart from its topic: a redrive publishes straight to the channel's queue.
        ChannelSpec subscription = ChannelSpec.of(topic).withChannel(topic + ".billing");
        fixture.transport().declareChannel(subscription);
        Message sent = message(topic);
        confirm(fixture.producer().send(sent));
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            GetResponse raw = channel.basicGet(subscription.channel(), false); // confirmed, so queued
            assertThat(raw).as("the post, confirmed").isNotNull();
            channel.basicReject(raw.getEnvelope().getDeliveryTag(), false); // the broker dead-letters it: x-death
        }
        DeadLetters deadLetters = DeadLetters.over(fixture.transport().deadLetterQueue());
        Await.until(RabbitMqTransportTest.WAIT, "one dead letter",
                () -> deadLetters.count(subscription.channel()) == 1);

        DeadLetterEntry entry = deadLetters.show(subscription.channel(), sent.id().toString()).orElseThrow();
        assertThat(entry.message().topic()).as("from x-death, not the dead-letter queue's key").isEqualTo(topic);
        assertThat(entry.reason().originalTopic()).isEqualTo(topic);

        deadLetters.redrive(subscription.channel(), DeadLetterFilter.ALL, null, DeadLetters.Progress.NONE);
        Message back = receive(fixture.consumer(subscription));
        assertThat(back.id()).isEqualTo(sent.id());
        assertThat(back.topic()).as("redriven straight to the queue, the header names the topic").isEqualTo(topic);
    }

    @Test
    void aMessageCourierDeadLettersKeepsItsTopicThroughShowAndRedrive() {
        String topic = fixture.uniqueTopic("topic-rejected");
        ChannelSpec subscription = ChannelSpec.of(topic).withChannel(topic + ".audit");
        fixture.transport().declareChannel(subscription);
        Message sent = message(topic);
        confirm(fixture.producer().send(sent));
        RabbitMqConsumer consumer = fixture.consumer(subscription);
        Message received = receive(consumer);
        assertThat(received.topic()).isEqualTo(topic);
        consumer.reject(received, new DeadLetterReason("handler-failed", "down", "java.io.IOException", topic, 1,
                Instant.now()));
        DeadLetters deadLetters = DeadLetters.over(fixture.transport().deadLetterQueue());
        Await.until(RabbitMqTransportTest.WAIT, "one dead letter",
                () -> deadLetters.count(subscription.channel()) == 1);

        DeadLetterEntry entry = deadLetters.show(subscription.channel(), sent.id().toString()).orElseThrow();
        assertThat(entry.message().topic()).as("the copy's header, not the dead-letter queue's key").isEqualTo(topic);

        deadLetters.redrive(subscription.channel(), DeadLetterFilter.ALL, null, DeadLetters.Progress.NONE);
        Message back = receive(consumer);
        assertThat(back.id()).isEqualTo(sent.id());
        assertThat(back.topic()).isEqualTo(topic);
        consumer.acknowledge(back);
    }

    /** Takes the queue's next message with a plain client, or null when there is none. */
    private static GetResponse get(String queue) {
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            return channel.basicGet(queue, true);
        } catch (Exception e) {
            throw new AssertionError("cannot read queue " + queue, e);
        }
    }
}
