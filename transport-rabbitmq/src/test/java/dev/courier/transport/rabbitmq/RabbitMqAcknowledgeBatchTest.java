package dev.courier.transport.rabbitmq;

import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.WAIT;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.confirm;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.message;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.receive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterReason;
import dev.courier.test.Await;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Acks of messages handled back to back go out as one {@code multiple=true} ack ({@code acknowledgeBatch}, default
 * 10). Watched from the broker's side ({@code rabbitmqctl}'s count of unacknowledged messages) and by what comes back
 * when the broker closes the consumer's connection: only what was handled and held, never more than a batch less one.
 */
class RabbitMqAcknowledgeBatchTest extends WithRabbitMqFixture {
    private static final int MESSAGES = 30;

    @Test
    void acksAreHeldUntilTheBatchIsFullAndALostConnectionRedeliversOnlyWhatWasHeld() {
        // The client must not recover the consumer's channel before the test closes it: a recovered channel would
        // take the redeliveries this test counts with a plain client.
        try (RabbitMqTransportFixture slowRecovery = new RabbitMqTransportFixture(
                builder -> builder.recoveryInterval(Duration.ofMinutes(5)))) {
            heldAcksAndALostConnection(slowRecovery);
        }
    }

    private void heldAcksAndALostConnection(RabbitMqTransportFixture fixture) {
        Filled filled = filled(fixture, "ack-batch");
        String topic = filled.channel().channel();
        RabbitMqConsumer consumer = filled.consumer();
        Set<UUID> sent = filled.sent();

        List<UUID> handled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            handled.add(handle(consumer));
        }
        assertThat(unacknowledged(topic)).as("unacknowledged after 5 acks with more buffered (held)")
                .isEqualTo(MESSAGES);
        for (int i = 0; i < 5; i++) {
            handled.add(handle(consumer));
        }
        Await.until(WAIT, "the tenth ack to settle the first ten", () -> unacknowledged(topic) == MESSAGES - 10);
        List<UUID> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(handle(consumer));
        }
        assertThat(unacknowledged(topic)).as("unacknowledged with 3 acks held").isEqualTo(MESSAGES - 10);

        assertThat(TestBroker.closeConnections(fixture.prefix() + "-consume")).as("consuming connection closed")
                .isEqualTo(1);
        consumer.close(); // its held acks can no longer reach the broker
        List<UUID> after = drainWithRawClient(topic, MESSAGES - 10);
        Set<UUID> all = new HashSet<>(handled);
        all.addAll(held);
        all.addAll(after);
        assertThat(all).as("every message handled (0 lost)").isEqualTo(sent);
        assertThat(after).as("handled after the close: the 17 never handled and the 3 held, each once")
                .hasSize(MESSAGES - 10).doesNotHaveDuplicates().containsAll(held).doesNotContainAnyElementsOf(handled);
    }

    @Test
    void aCleanCloseSendsWhatIsHeldAndARejectInTheRunSettlesOnlyItsOwnMessage() {
        Filled filled = filled(fixture, "ack-close");
        ChannelSpec channel = filled.channel();
        String topic = channel.channel();
        RabbitMqConsumer consumer = filled.consumer();
        Set<UUID> sent = filled.sent();

        Set<UUID> settled = new HashSet<>();
        settled.add(handle(consumer));
        settled.add(handle(consumer));
        Message poison = receive(consumer);
        consumer.reject(poison, new DeadLetterReason("test", "rejected in a run of acks", "", topic, 1,
                Instant.now()));
        settled.add(poison.id());
        settled.add(handle(consumer));
        Await.until(WAIT, "the reject to settle its message, and only it",
                () -> unacknowledged(topic) == MESSAGES - 1);
        assertThat(unacknowledged(topic)).as("unacknowledged: the acks before the reject held")
                .isEqualTo(MESSAGES - 1);
        consumer.close(); // returns the 26 unsettled to the queue, after acking the three held

        RabbitMqConsumer next = fixture.consumer(channel);
        List<UUID> rest = new ArrayList<>();
        for (int i = 0; i < MESSAGES - 4; i++) {
            rest.add(handle(next));
        }
        assertThat(next.receive(Duration.ofMillis(300))).as("nothing more: what was settled stayed settled").isNull();
        assertThat(rest).doesNotHaveDuplicates().doesNotContainAnyElementsOf(settled);
        Set<UUID> all = new HashSet<>(settled);
        all.addAll(rest);
        assertThat(all).as("every message settled once (0 lost)").isEqualTo(sent);
        assertThat(fixture.deadLetters(channel)).extracting(Message::id).containsExactly(poison.id());
    }

    @Test
    void theHeldAcksGoOutBeforeTheConsumerWaitsForMore() {
        String topic = fixture.uniqueTopic("ack-wait");
        ChannelSpec channel = fixture.subscription(topic).withPrefetch(MESSAGES);
        post(fixture, topic, 5);
        RabbitMqConsumer consumer = fixture.consumer(channel);
        Await.until(WAIT, "five buffered", () -> consumer.buffered() == 5);
        for (int i = 0; i < 4; i++) {
            handle(consumer);
        }
        Message last = receive(consumer); // the run ends in a reject: no ack of its own covers the four held
        consumer.reject(last, new DeadLetterReason("test", "ends the run", "", topic, 1, Instant.now()));
        Await.until(WAIT, "the reject settled, the four acks before it held", () -> unacknowledged(topic) == 4);
        assertThat(consumer.receive(Duration.ofMillis(50))).isNull();
        Await.until(WAIT, "the held acks settled once the consumer waited", () -> unacknowledged(topic) == 0);
        assertThat(TestBroker.closeConnections(fixture.prefix())).isPositive();
        assertThat(consumer.receive(Duration.ofSeconds(3))).as("nothing redelivered after the connection closed")
                .isNull();
    }

    @Test
    void aDeliveryLeftUnsettledIsNeverCoveredByALaterAck() {
        Filled filled = filled(fixture, "ack-gap");
        String topic = filled.channel().channel();
        RabbitMqConsumer consumer = filled.consumer();
        handle(consumer); // held: more are buffered
        Message skipped = receive(consumer); // taken and never settled, as by a reader whose requeue failed
        for (int i = 0; i < MESSAGES - 2; i++) {
            handle(consumer);
        }
        assertThat(consumer.receive(Duration.ofMillis(50))).isNull();
        Await.until(WAIT, "every message but the unsettled one acknowledged", () -> unacknowledged(topic) == 1);
        assertThat(unacknowledged(topic)).as("the unsettled one still unacknowledged").isEqualTo(1);
        consumer.close();

        RabbitMqConsumer next = fixture.consumer(filled.channel());
        Message again = receive(next);
        assertThat(again.id()).as("redelivered after the close").isEqualTo(skipped.id());
        next.acknowledge(again);
        assertThat(next.receive(Duration.ofMillis(300))).as("nothing else comes back").isNull();
    }

    @Test
    void aBatchOutsideOneToAThousandIsRefused() {
        assertThatThrownBy(() -> RabbitMqConfig.builder().acknowledgeBatch(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("acknowledgeBatch must be between 1 and 1000 but was 0");
        assertThat(RabbitMqConfig.builder().uri(TestBroker.uri()).build().acknowledgeBatch()).isEqualTo(10);
    }

    private static Set<UUID> post(RabbitMqTransportFixture fixture, String topic, int count) {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Message m = message(topic);
            confirm(fixture.producer().send(m));
            ids.add(m.id());
        }
        return ids;
    }

    /**
     * A channel with {@code MESSAGES} posted, and a consumer whose buffer holds them all: each ack but the last has
     * more behind it.
     */
    private static Filled filled(RabbitMqTransportFixture fixture, String base) {
        String topic = fixture.uniqueTopic(base);
        ChannelSpec channel = fixture.subscription(topic).withPrefetch(MESSAGES);
        Set<UUID> sent = post(fixture, topic, MESSAGES);
        RabbitMqConsumer consumer = fixture.consumer(channel);
        Await.until(WAIT, "all " + MESSAGES + " buffered", () -> consumer.buffered() == MESSAGES);
        return new Filled(channel, sent, consumer);
    }

    private record Filled(ChannelSpec channel, Set<UUID> sent, RabbitMqConsumer consumer) {}

    private static UUID handle(RabbitMqConsumer consumer) {
        Message m = receive(consumer);
        consumer.acknowledge(m);
        return m.id();
    }

    /** Takes {@code count} messages off the queue with a plain client (auto-ack), waiting for them; their ids. */
    private static List<UUID> drainWithRawClient(String queue, int count) {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            Await.until(Duration.ofSeconds(30), count + " messages back in the queue", () -> {
                try {
                    GetResponse response;
                    while ((response = channel.basicGet(queue, true)) != null) {
                        ids.add(UUID.fromString(response.getProps().getMessageId()));
                    }
                } catch (IOException e) {
                    throw new AssertionError("cannot get from queue " + queue, e);
                }
                return ids.size() >= count;
            });
            assertThat(channel.basicGet(queue, true)).as("no more than " + count).isNull();
        } catch (Exception e) {
            throw new AssertionError("cannot drain queue " + queue, e);
        }
        return ids;
    }

    /** The broker's own count of messages delivered on the queue and not yet settled. */
    private static int unacknowledged(String queue) {
        for (String line : TestBroker.ctl("list_queues", "-q", "--no-table-headers", "name", "messages_unacknowledged")
                .split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && fields[0].equals(queue)) {
                return Integer.parseInt(fields[1]);
            }
        }
        throw new AssertionError("no queue " + queue);
    }
}
