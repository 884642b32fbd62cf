package dev.courier.transport.rabbitmq;

import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.confirm;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.message;
import static dev.courier.transport.rabbitmq.RabbitMqTransportTest.receive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Delays on RabbitMQ go through 32 binary delay levels: any number of distinct delays uses at most 32 queues, each
 * message waits exactly its delay, a requeue comes back to its own channel, and the hop between levels is a quorum
 * queue's at-least-once dead-lettering.
 */
class RabbitMqDelayLevelsTest extends WithRabbitMqFixture {

    @Test
    void twentyDistinctDelaysLeaveNoQueuePerDelay() {
        String topic = fixture.uniqueTopic("many-delays");
        fixture.consumer(fixture.subscription(topic));
        List<String> before = TestBroker.queues(fixture.prefix());

        for (int i = 0; i < 20; i++) {
            Message m = message(topic);
            confirm(fixture.producer().send(m.withHeader(m.header().withDelay(Duration.ofMillis(60_000 + i)))));
        }

        List<String> created = new ArrayList<>(TestBroker.queues(fixture.prefix()));
        created.removeAll(before);
        // 60,000 ms sets bits 5, 6, 9, 11, 13, 14 and 15; 60,001..60,019 add bits 0 to 4: 12 levels in all
        assertThat(created).as("queues the 20 delays created").hasSizeLessThanOrEqualTo(32)
                .allMatch(name -> name.startsWith(fixture.prefix() + ".delay-level."), "a delay level");
        assertThat(created).hasSize(12);
    }

    @Test
    void eachMessageWaitsItsOwnDelayWhateverWasPostedBeforeIt() {
        String topic = fixture.uniqueTopic("ordered");
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(topic));
        // bit patterns that enter at different levels and share some: 1,513 = 1024+256+128+64+32+8+1, 201, 77, 0
        long[] delays = {1513, 201, 77, 0};
        Map<UUID, Long> delayOf = new HashMap<>();
        Map<UUID, Long> sentAt = new HashMap<>();
        for (long delay : delays) {
            Message m = message(topic);
            m = m.withHeader(m.header().withDelay(Duration.ofMillis(delay)));
            delayOf.put(m.id(), delay);
            sentAt.put(m.id(), System.nanoTime());
            confirm(fixture.producer().send(m));
        }

        List<Long> arrivals = new ArrayList<>();
        for (int i = 0; i < delays.length; i++) {
            Message received = receive(consumer);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt.get(received.id()));
            assertThat(waited).as("waited for a delay of %d ms", delayOf.get(received.id()))
                    .isGreaterThanOrEqualTo(delayOf.get(received.id()));
            assertThat(received.header().topic()).isEqualTo(topic);
            arrivals.add(delayOf.remove(received.id()));
            consumer.acknowledge(received);
        }
        assertThat(arrivals).as("shortest delay first, each once").containsExactly(0L, 77L, 201L, 1513L);
        assertThat(consumer.receive(Duration.ofMillis(300))).as("no duplicate").isNull();
    }

    @Test
    void aRequeueComesBackThroughTheLevelsToItsOwnChannelOnlyWithItsCount() {
        String topic = fixture.uniqueTopic("requeue-levels");
        ChannelSpec billing = fixture.subscription(topic).withChannel(topic + ".billing");
        ChannelSpec audit = fixture.subscription(topic).withChannel(topic + ".audit");
        RabbitMqConsumer billingConsumer = fixture.consumer(billing);
        RabbitMqConsumer auditConsumer = fixture.consumer(audit);
        Message posted = message(topic);
        // a delayed post first: its copy carries the post's target, which the requeue must not keep
        confirm(fixture.producer().send(posted.withHeader(posted.header().withDelay(Duration.ofMillis(100)))));
        auditConsumer.acknowledge(receive(auditConsumer));
        Message first = receive(billingConsumer);

        long requeuedAt = System.nanoTime();
        billingConsumer.requeue(first, Duration.ofMillis(333));
        Message again = receive(billingConsumer);

        assertThat(Duration.ofNanos(System.nanoTime() - requeuedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(333));
        assertThat(again.id()).isEqualTo(posted.id());
        assertThat(again.header().handledCount()).isEqualTo(1);
        assertThat(again.header().topic()).isEqualTo(topic);
        billingConsumer.acknowledge(again);
        assertThat(auditConsumer.receive(Duration.ofMillis(500))).as("the other channel gets no copy").isNull();
    }

    @Test
    void delayLevelQueuesAreQuorumQueuesThatDeadLetterAtLeastOnce() {
        String topic = fixture.uniqueTopic("at-least-once");
        fixture.consumer(fixture.subscription(topic));
        Message m = message(topic);
        confirm(fixture.producer().send(m.withHeader(m.header().withDelay(Duration.ofMillis(5)))));

        String listing = TestBroker.ctl("list_queues", "-q", "--no-table-headers", "name", "type", "arguments");
        List<String> levels = listing.lines().filter(line -> line.startsWith(fixture.prefix() + ".delay-level."))
                .toList();
        assertThat(levels).hasSize(2).allSatisfy(line -> assertThat(line).contains("quorum")
                .contains("at-least-once").contains("reject-publish"));
    }

    @Test
    void aDelayLongerThanTheLevelsHoldIsRefusedBeforeAnythingIsSent() {
        String topic = fixture.uniqueTopic("too-long");
        RabbitMqConsumer consumer = fixture.consumer(fixture.subscription(topic));
        Message m = message(topic);
        Message tooLong = m.withHeader(m.header().withDelay(RabbitMqTransport.MAX_DELAY.plusMillis(1)));

        assertThatThrownBy(() -> fixture.producer().send(tooLong).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(DelayTooLongException.class)
                .hasMessageContaining(m.id().toString()).hasMessageContaining(topic);
        assertThat(fixture.transport().unroutableCount()).isZero();
        assertThat(consumer.receive(Duration.ofMillis(200))).isNull();
    }

    @Test
    void theLongestDelayWaitsInTheTopLevel() {
        String topic = fixture.uniqueTopic("longest");
        fixture.consumer(fixture.subscription(topic));
        Message m = message(topic);
        confirm(fixture.producer().send(m.withHeader(m.header().withDelay(RabbitMqTransport.MAX_DELAY))));

        Await.until(Duration.ofSeconds(10), () -> "the message in level 31",
                () -> TestBroker.ctl("list_queues", "-q", "--no-table-headers", "name", "messages").lines()
                        .anyMatch(line -> line.matches("\\Q" + fixture.prefix() + ".delay-level.31\\E\\s+1")));
    }
}
