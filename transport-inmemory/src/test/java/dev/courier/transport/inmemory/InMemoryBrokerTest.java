package dev.courier.transport.inmemory;

import static dev.courier.transport.inmemory.TestMessages.command;
import static dev.courier.transport.inmemory.TestMessages.delayed;
import static dev.courier.transport.inmemory.TestMessages.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.ProducerException;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Behaviour of the in-memory broker beyond the transport contract. */
class InMemoryBrokerTest {
    private static final Duration SHORT = Duration.ofMillis(50);
    private static final Duration LONG = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryBroker broker = InMemoryBroker.builder().clock(clock).build();
    private final InMemoryTransport transport = InMemoryTransport.over(broker);
    private final MessageProducer producer = transport.producer();

    @Test
    void messageSentToADeclaredChannelBeforeAnyConsumerConnectsIsKept() {
        broker.declareChannel("orders", "orders.billing");
        Message sent = command("orders", "early");

        producer.send(sent).join();
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));

        assertThat(consumer.receive(LONG).id()).isEqualTo(sent.id());
    }

    @Test
    void sendToATopicWithNoChannelFailsNamingTheTopicAndTheMessage() {
        Message sent = command("nobody.listens", "lost");

        CompletableFuture<Void> result = producer.send(sent);

        assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ProducerException.class)
                .hasMessageContaining("nobody.listens").hasMessageContaining(sent.id().toString());
    }

    @Test
    void sendAfterTheProducerClosedFails() {
        broker.declareChannel("orders", "orders.billing");
        producer.close();

        assertThat(producer.send(command("orders", "too late"))).failsWithin(LONG)
                .withThrowableThat().withCauseInstanceOf(ProducerException.class);
    }

    @Test
    void aChannelDeliversItsMessagesFirstInFirstOut() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(command("orders", "order " + i));
        }
        producer.sendBatch(sent).join();

        List<Message> received = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            Message message = consumer.receive(LONG);
            received.add(message);
            consumer.acknowledge(message);
        }

        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void aChannelNameTakenByAnotherTopicIsRefused() {
        broker.declareChannel("orders", "shared.name");

        assertThatThrownBy(() -> transport.createConsumer(subscription("invoices", "shared.name")))
                .isInstanceOf(InMemoryBrokerException.class)
                .hasMessageContaining("shared.name").hasMessageContaining("orders").hasMessageContaining("invoices");
    }

    @Test
    void advancingTheManualClockWakesAReceiverWaitingForADelayedMessage() throws Exception {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        producer.send(delayed("orders", "in a minute", Duration.ofMinutes(1))).join();
        AtomicReference<Message> received = new AtomicReference<>();
        Thread receiver = new Thread(() -> received.set(consumer.receive(Duration.ofSeconds(30))), "receiver");
        receiver.start();
        long deadline = System.nanoTime() + LONG.toNanos();
        while (receiver.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("the receiver to wait").isLessThan(deadline);
            Thread.onSpinWait();
        }

        clock.advance(Duration.ofMinutes(1));
        receiver.join(LONG.toMillis());

        assertThat(receiver.isAlive()).as("receiver still waiting after the clock moved").isFalse();
        assertThat(received.get()).isNotNull();
    }

    @Test
    void onTheSystemClockADelayedMessageArrivesWhenItsDelayHasPassedInRealTime() {
        InMemoryTransport realTime = InMemoryTransport.create();
        MessageConsumer consumer = realTime.createConsumer(subscription("orders", "orders.billing"));
        Duration delay = Duration.ofMillis(200);

        long sentAt = System.nanoTime();
        realTime.producer().send(delayed("orders", "soon", delay)).join();
        Message received = consumer.receive(LONG);
        long elapsed = System.nanoTime() - sentAt;

        assertThat(received).isNotNull();
        assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(delay).isLessThan(LONG);
    }

    @Test
    void aConsumerHoldsNoMoreUnsettledMessagesThanItsPrefetch() {
        MessageConsumer consumer = transport.createConsumer(new ChannelSpec("orders", "orders.billing", 1));
        producer.sendBatch(List.of(command("orders", "one"), command("orders", "two"))).join();

        Message first = consumer.receive(LONG);
        Message whileHoldingOne = consumer.receive(SHORT);
        consumer.acknowledge(first);
        Message second = consumer.receive(LONG);

        assertThat(whileHoldingOne).isNull();
        assertThat(second).isNotNull().isNotEqualTo(first);
    }

    @Test
    void settlingAMessageTwiceFailsNamingTheChannel() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        producer.send(command("orders", "once")).join();
        Message received = consumer.receive(LONG);
        consumer.acknowledge(received);

        assertThatThrownBy(() -> consumer.requeue(received, Duration.ZERO))
                .isInstanceOf(InMemoryBrokerException.class).hasMessageContaining("orders.billing");
    }

    @Test
    void aMessageCannotBeSettledByAConsumerThatDidNotReceiveIt() {
        MessageConsumer receiver = transport.createConsumer(subscription("orders", "orders.billing"));
        MessageConsumer other = transport.createConsumer(subscription("orders", "orders.billing"));
        MessageConsumer elsewhere = transport.createConsumer(subscription("orders", "orders.audit"));
        producer.send(command("orders", "mine")).join();
        Message received = receiver.receive(LONG);
        elsewhere.acknowledge(elsewhere.receive(LONG));

        assertThatThrownBy(() -> other.acknowledge(received)).isInstanceOf(InMemoryBrokerException.class);
        assertThatThrownBy(() -> elsewhere.acknowledge(received)).isInstanceOf(InMemoryBrokerException.class)
                .hasMessageContaining(received.id().toString()).hasMessageContaining("orders.audit");
        assertThatThrownBy(() -> receiver.acknowledge(command("orders", "never received")))
                .isInstanceOf(InMemoryBrokerException.class);
        receiver.acknowledge(received);
    }

    @Test
    void closingAConsumerWakesItsWaitingReceiveAndLaterReceivesFail() throws Exception {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        AtomicReference<Message> received = new AtomicReference<>(command("orders", "placeholder"));
        Thread receiver = new Thread(() -> received.set(consumer.receive(Duration.ofSeconds(30))), "receiver");
        receiver.start();
        long deadline = System.nanoTime() + LONG.toNanos();
        while (receiver.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("the receiver to wait").isLessThan(deadline);
            Thread.onSpinWait();
        }

        consumer.close();
        receiver.join(LONG.toMillis());

        assertThat(receiver.isAlive()).isFalse();
        assertThat(received.get()).isNull();
        assertThatThrownBy(() -> consumer.receive(SHORT)).isInstanceOf(InMemoryBrokerException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void anInterruptedReceiveReturnsNullAndKeepsTheInterruptFlag() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        Thread.currentThread().interrupt();
        try {
            assertThat(consumer.receive(LONG)).isNull();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void settledMessagesAreReleasedAndOnlyUnsettledOnesRemainCounted() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        for (int i = 0; i < 100; i++) {
            producer.send(command("orders", "order " + i)).join();
            consumer.acknowledge(consumer.receive(LONG));
        }

        ChannelStats stats = broker.stats("orders.billing");

        assertThat(stats.acknowledged()).isEqualTo(100);
        assertThat(stats.unsettled()).isZero();
    }

    @Test
    void aConsumerClosedWithMessagesTakenButNotYetReceivedReturnsThemAllInOrder() {
        ChannelSpec subscription = new ChannelSpec("orders", "orders.billing", 50);
        MessageConsumer first = transport.createConsumer(subscription);
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(command("orders", "order " + i));
        }
        producer.sendBatch(sent).join();
        Message received = first.receive(LONG); // takes a batch from the channel, hands out one
        first.acknowledge(received);
        assertThat(broker.stats("orders.billing").inFlight()).as("taken with the first, not yet received")
                .isPositive();
        first.close();

        MessageConsumer second = transport.createConsumer(subscription);
        List<String> rest = new ArrayList<>();
        for (Message message; (message = second.receive(SHORT)) != null; ) {
            rest.add(message.body().asString());
            second.acknowledge(message);
        }
        assertThat(rest).isEqualTo(sent.subList(1, 40).stream().map(m -> m.body().asString()).toList());
        assertThat(broker.stats("orders.billing").acknowledged()).isEqualTo(40);
    }

    @Test
    void aSettleRacingTheConsumersCloseLetsExactlyOneThrough() throws Exception {
        for (int round = 0; round < 200; round++) {
            MessageConsumer consumer = transport.createConsumer(new ChannelSpec("orders", "orders.race", 1));
            producer.send(command("orders", "raced " + round)).join();
            Message received = consumer.receive(LONG);
            CompletableFuture<Boolean> acked = CompletableFuture.supplyAsync(() -> {
                try {
                    consumer.acknowledge(received);
                    return true;
                } catch (InMemoryBrokerException e) {
                    return false;
                }
            });
            consumer.close();
            boolean ackWon = acked.get(5, java.util.concurrent.TimeUnit.SECONDS);
            MessageConsumer next = transport.createConsumer(subscription("orders", "orders.race"));
            Message again = next.receive(ackWon ? SHORT : LONG);
            assertThat(again).as("round %d: redelivered exactly when the ack lost", round)
                    .matches(m -> ackWon ? m == null : m != null && m.id().equals(received.id()));
            if (again != null) {
                next.acknowledge(again);
            }
            next.close();
        }
    }

    @Test
    void aReceiverParkedOnAnEmptyChannelIsWokenByEverySendThatFollows() throws Exception {
        InMemoryBroker realTime = InMemoryBroker.builder().build();
        InMemoryTransport rt = InMemoryTransport.over(realTime);
        MessageProducer ping = rt.producer();
        MessageConsumer pings = rt.createConsumer(subscription("ping", "ping.server"));
        MessageConsumer pongs = rt.createConsumer(subscription("pong", "pong.client"));
        MessageProducer pong = rt.producer();
        Duration generous = Duration.ofSeconds(10); // a lost wake-up shows as a null after this, not as slowness
        CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> {
            for (int i = 0; i < 2000; i++) {
                Message message = pings.receive(generous);
                if (message == null) {
                    return i;
                }
                pings.acknowledge(message);
                pong.send(command("pong", message.body().asString())).join();
            }
            return 2000;
        });
        for (int i = 0; i < 2000; i++) {
            ping.send(command("ping", "n" + i)).join();
            Message answer = pongs.receive(generous);
            assertThat(answer).as("answer %d (each side parks on an empty channel between messages)", i).isNotNull();
            assertThat(answer.body().asString()).isEqualTo("n" + i);
            pongs.acknowledge(answer);
        }
        assertThat(server.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2000);
    }

    @Test
    void aRequeueThatCannotBeDoneLeavesTheMessageInFlightRatherThanLosingIt() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        producer.send(command("orders", "kept")).join();
        Message received = consumer.receive(LONG);

        assertThatThrownBy(() -> consumer.requeue(received, Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(RuntimeException.class);
        assertThat(broker.stats("orders.billing").inFlight()).isEqualTo(1);
        consumer.requeue(received, Duration.ZERO);
        Message again = consumer.receive(LONG);
        assertThat(again.id()).isEqualTo(received.id());
        assertThat(again.header().handledCount()).isEqualTo(1);
        consumer.acknowledge(again);
    }

    @Test
    void aChannelKeepsAtMostItsDeadLetterLimitDroppingTheOldest() {
        InMemoryBroker small = InMemoryBroker.builder().clock(clock).deadLetterLimit(2).build();
        InMemoryTransport smallTransport = InMemoryTransport.over(small);
        MessageConsumer consumer = smallTransport.createConsumer(subscription("orders", "orders.billing"));
        List<Message> sent = List.of(command("orders", "1"), command("orders", "2"), command("orders", "3"));
        smallTransport.producer().sendBatch(sent).join();

        for (int i = 0; i < sent.size(); i++) {
            Message message = consumer.receive(LONG);
            consumer.reject(message, new DeadLetterReason("rejected", "", "", "orders", 1, clock.instant()));
        }

        assertThat(small.deadLetters("orders.billing")).extracting(dead -> dead.message().id())
                .containsExactly(sent.get(1).id(), sent.get(2).id());
        assertThat(small.stats("orders.billing").deadLettered()).isEqualTo(3);
    }

    @Test
    void aNegativeRequeueDelayIsRefusedNamingTheMessage() {
        MessageConsumer consumer = transport.createConsumer(subscription("orders", "orders.billing"));
        producer.send(command("orders", "x")).join();
        Message received = consumer.receive(LONG);

        assertThatThrownBy(() -> consumer.requeue(received, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(received.id().toString());
    }
}
