package dev.courier.transport.rabbitmq;

import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.confirm;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelFailureException;
import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterReason;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A handler slower than the broker's consumer timeout: the broker closes the consumer's channel and returns the
 * message, the pump opens a new consumer, and the same happens again. The delivery limit counts each return, so the
 * message reaches the dead letters once, after the limit, instead of looping for ever. The broker's timeout
 * (default 30 min, checked once a minute) is lowered for the test, at runtime, and put back after it.
 */
class RabbitMqConsumerTimeoutTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int LIMIT = 2;
    private String consumerTimeout;
    private String tickInterval;
    private RabbitMqTransportFixture fixture;

    @BeforeEach
    void lowerTheBrokersConsumerTimeout() {
        consumerTimeout = env("consumer_timeout");
        tickInterval = env("channel_tick_interval");
        // Channels read both when they open: only this test's consumers run with them.
        setEnv("consumer_timeout", "1500");
        setEnv("channel_tick_interval", "500");
    }

    @AfterEach
    void restore() {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            setEnv("consumer_timeout", consumerTimeout);
            setEnv("channel_tick_interval", tickInterval);
        }
    }

    @ParameterizedTest
    @EnumSource(QueueType.class)
    void aHandlerSlowerThanTheConsumerTimeoutIsDeadLetteredOnceAfterTheDeliveryLimit(QueueType type) {
        fixture = new RabbitMqTransportFixture(b -> b.defaultQueueType(type).deliveryLimit(LIMIT));
        ChannelSpec spec = fixture.subscription(fixture.uniqueTopic("slow"));
        Message slow = message(spec.topic());
        RabbitMqConsumer first = fixture.transport().createConsumer(spec);
        confirm(fixture.producer().send(slow));

        int delivered = 0;
        int timedOut = 0;
        RabbitMqConsumer consumer = first;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fixture.deadLetters(spec).isEmpty()) {
            assertThat(System.nanoTime()).as("dead-lettered within " + WAIT).isLessThan(deadline);
            Message got;
            try {
                got = consumer.receive(Duration.ofMillis(200));
            } catch (ChannelFailureException e) {
                // what a pump sees: the broker closed the channel; it opens a new consumer
                assertThat(consumer.unavailableReason()).as("why the consumer stopped").isNotNull();
                consumer.close();
                consumer = fixture.transport().createConsumer(spec);
                timedOut++;
                continue;
            }
            if (got != null) {
                assertThat(got.id()).isEqualTo(slow.id());
                delivered++;
                // the handler is still busy with it when the broker's timeout ends its delivery: no settle
                RabbitMqConsumer holding = consumer;
                Await.until(WAIT, () -> "the broker's consumer timeout to close the channel",
                        () -> holding.unavailableReason() != null);
            }
        }
        consumer.close();

        List<Message> dead = fixture.deadLetters(spec);
        assertThat(delivered).as("deliveries handed to the slow handler").isEqualTo(LIMIT);
        assertThat(timedOut).as("channels the broker closed for the timeout").isEqualTo(LIMIT);
        assertThat(dead).as("dead-lettered once").hasSize(1);
        assertThat(dead.get(0).id()).isEqualTo(slow.id());
        assertThat(dead.get(0).header().bag()).containsEntry(DeadLetterReason.REASON, DeliveryLimit.REASON);
    }

    private static String env(String key) {
        String out = TestBroker.ctl("eval", "application:get_env(rabbit, " + key + ").").trim();
        String value = out.replaceAll("(?s).*\\{ok,\\s*(\\d+)}.*", "$1");
        if (!value.matches("\\d+")) {
            throw new AssertionError("cannot read the broker's " + key + ": " + out);
        }
        return value;
    }

    private static void setEnv(String key, String value) {
        TestBroker.ctl("eval", "application:set_env(rabbit, " + key + ", " + value + ").");
    }
}
