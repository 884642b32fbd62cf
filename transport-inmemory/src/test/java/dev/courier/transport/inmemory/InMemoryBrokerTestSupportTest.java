package dev.courier.transport.inmemory;

import static dev.courier.transport.inmemory.TestMessages.command;
import static dev.courier.transport.inmemory.TestMessages.delayed;
import static dev.courier.transport.inmemory.TestMessages.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The broker's test-support methods: waiting for acknowledgements and dead letters, stats, the clock. */
class InMemoryBrokerTestSupportTest {
    private static final Duration LONG = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryBroker broker = InMemoryBroker.builder().clock(clock).build();
    private final InMemoryTransport transport = InMemoryTransport.over(broker);
    private final MessageProducer producer = transport.producer();

    @Test
    void awaitAcknowledgedReturnsOnceAnotherThreadHasAcknowledgedEnough() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        for (int i = 0; i < 3; i++) {
            producer.send(command("orders", "order " + i)).join();
        }
        CompletableFuture<Void> handler = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 3; i++) {
                consumer.acknowledge(consumer.receive(LONG));
            }
        });

        broker.awaitAcknowledged("orders.billing", 3, LONG);

        assertThat(broker.stats("orders.billing").acknowledged()).isEqualTo(3);
        assertThat(handler).succeedsWithin(LONG);
    }

    @Test
    void awaitAcknowledgedTimesOutNamingTheChannelAndItsCounts() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        producer.send(command("orders", "held")).join();
        consumer.receive(LONG);

        assertThatThrownBy(() -> broker.awaitAcknowledged("orders.billing", 1, Duration.ofMillis(50)))
                .isInstanceOf(InMemoryBrokerException.class)
                .hasMessageContaining("orders.billing").hasMessageContaining("inFlight=1");
    }

    @Test
    void awaitOnAnUnknownChannelFailsListingTheKnownOnes() {
        broker.declareChannel("orders", "orders.billing");

        assertThatThrownBy(() -> broker.awaitAcknowledged("orders.bill", 1, LONG))
                .isInstanceOf(InMemoryBrokerException.class)
                .hasMessageContaining("orders.bill'").hasMessageContaining("[orders.billing]");
    }

    @Test
    void deadLettersListEachRejectedMessageWithItsReason() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        Message sent = command("orders", "bad");
        producer.send(sent).join();
        Message received = consumer.receive(LONG);
        consumer.requeue(received, Duration.ZERO);
        received = consumer.receive(LONG);
        DeadLetterReason reason =
                new DeadLetterReason("handler-failed", "boom", "java.lang.IllegalStateException", "orders", 2,
                        clock.instant());

        consumer.reject(received, reason);
        broker.awaitDeadLettered("orders.billing", 1, LONG);

        assertThat(broker.deadLetters("orders.billing")).singleElement().satisfies(dead -> {
            assertThat(dead.reason()).isEqualTo(reason);
            assertThat(dead.message().id()).isEqualTo(sent.id());
            assertThat(dead.message().header().handledCount()).isEqualTo(1);
            assertThat(dead.message().header().bag()).containsAllEntriesOf(reason.asHeaders());
            assertThat(dead.message().receipt()).isNull();
        });
    }

    @Test
    void statsCountReadyDelayedInFlightAcknowledgedAndDeadLettered() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        producer.send(command("orders", "acknowledged")).join();
        consumer.acknowledge(consumer.receive(LONG));
        producer.send(command("orders", "rejected")).join();
        consumer.reject(consumer.receive(LONG),
                new DeadLetterReason("rejected", "", "", "orders", 1, clock.instant()));
        producer.send(command("orders", "in flight")).join();
        consumer.receive(LONG);
        producer.send(command("orders", "ready")).join();
        producer.send(delayed("orders", "delayed", Duration.ofSeconds(10))).join();

        assertThat(broker.stats("orders.billing"))
                .isEqualTo(new ChannelStats("orders.billing", "orders", 1, 1, 1, 1, 1));
        assertThat(broker.stats("orders.billing").pending()).isEqualTo(2);

        broker.advanceClock(Duration.ofSeconds(10));

        assertThat(broker.stats("orders.billing").ready()).isEqualTo(2);
        assertThat(broker.stats("orders.billing").delayed()).isZero();
    }

    @Test
    void advanceClockMovesTheBrokersManualClock() {
        Instant before = broker.clock().instant();

        broker.advanceClock(Duration.ofHours(1));

        assertThat(broker.clock().instant()).isEqualTo(before.plus(Duration.ofHours(1)));
    }

    @Test
    void advanceClockOnABrokerWithTheSystemClockFailsSayingWhy() {
        InMemoryBroker realTime = InMemoryBroker.create();

        assertThatThrownBy(() -> realTime.advanceClock(Duration.ofSeconds(1)))
                .isInstanceOf(InMemoryBrokerException.class).hasMessageContaining("ManualClock");
    }

    @Test
    void channelsListsDeclaredAndSubscribedChannels() {
        broker.declareChannel("orders", "orders.billing");
        transport.createConsumer(subscription("orders", "orders.audit"));

        assertThat(broker.channels()).containsExactly("orders.audit", "orders.billing");
    }
}
