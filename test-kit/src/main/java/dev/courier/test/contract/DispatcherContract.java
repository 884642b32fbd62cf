package dev.courier.test.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelFailureException;
import dev.courier.ChannelState;
import dev.courier.Command;
import dev.courier.DeferMessageException;
import dev.courier.Event;
import dev.courier.HandlerRegistry;
import dev.courier.MessageRecoverer;
import dev.courier.Producers;
import dev.courier.RejectMessageException;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Transport;
import dev.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The message pump's decision table (docs/dispatcher.md), end to end through a {@link Dispatcher} on a transport.
 * Every transport's tests extend it with a {@link TransportFixture}, as they do {@link TransportContract}.
 */
public abstract class DispatcherContract {
    /** A command the pumps under test carry. */
    public record Work(UUID id, String payload) implements Command {}

    /** A second command type, to share a channel with {@link Work}. */
    public record OtherWork(UUID id, int number) implements Command {}

    /** An event, for publish to several handlers. */
    public record Noticed(UUID id, String what) implements Event {}

    private TransportFixture fixture;
    private final List<Dispatcher> dispatchers = new ArrayList<>();
    private final List<CommandProcessor> processors = new ArrayList<>();

    protected abstract TransportFixture createFixture();

    /** The requeue delay the tests configure; short for a real broker. */
    protected Duration delay() {
        return Duration.ofMillis(400);
    }

    protected Duration timeout() {
        return Duration.ofSeconds(15);
    }

    @BeforeEach
    void openFixture() {
        fixture = createFixture();
    }

    @AfterEach
    void closeAll() {
        dispatchers.forEach(d -> d.stop(Duration.ofSeconds(5)));
        processors.forEach(CommandProcessor::close);
        fixture.close();
    }

    // --- the rows of the decision table -------------------------------------------------------------------------

    @Test
    void aMessageIsAcknowledgedOnlyAfterItsHandlerReturned() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String topic = fixture.uniqueTopic("ack");
        Harness h = harness(topic, w -> {
            entered.countDown();
            await(release);
        });
        h.processor.post(new Work(Request.newId(), "one"));
        assertThat(entered.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(h.state().acknowledged()).isZero();

        release.countDown();
        Await.until(timeout(), "the message to be acknowledged", () -> h.state().acknowledged() == 1);
        assertThat(fixture.deadLetters(h.subscription.channelSpec())).isEmpty();
    }

    @Test
    void aFailingHandlerRunsRequeueCountPlusOneTimesWithTheDelayHeldThenTheMessageIsDeadLettered() {
        List<Instant> handledAt = new CopyOnWriteArrayList<>();
        String topic = fixture.uniqueTopic("fail");
        Harness h = harness(topic, w -> {
            handledAt.add(fixture.clock().instant());
            throw new IllegalStateException("mail server down\r\nX-Injected: yes");
        }, s -> s.requeueCount(3).requeueDelay(delay()));
        Work work = new Work(Request.newId(), "doomed");
        h.processor.post(work);

        for (int requeued = 1; requeued <= 3; requeued++) {
            long expected = requeued;
            Await.until(timeout(), "requeue " + expected, () -> h.state().requeued() >= expected);
            fixture.passTime(delay());
        }
        Message dead = Await.value(timeout(), "the dead letter", () -> first(fixture.deadLetters(h.subscription.channelSpec())));
        assertThat(handledAt).hasSize(4);
        for (int i = 1; i < handledAt.size(); i++) {
            assertThat(Duration.between(handledAt.get(i - 1), handledAt.get(i))).isGreaterThanOrEqualTo(delay());
        }
        assertThat(dead.id()).isEqualTo(work.id());
        Map<String, String> why = dead.header().bag();
        assertThat(why).containsEntry(DeadLetterReason.REASON, "handler-failed")
                .containsEntry(DeadLetterReason.EXCEPTION_TYPE, IllegalStateException.class.getName())
                .containsEntry(DeadLetterReason.ORIGINAL_TOPIC, topic)
                .containsEntry(DeadLetterReason.ATTEMPTS, "4")
                .containsKey(DeadLetterReason.AT);
        assertThat(why.get(DeadLetterReason.DETAIL)).contains("mail server down").doesNotContain("\r", "\n");
        // the counter moves once the broker has taken the dead letter, just after it became visible
        Await.until(timeout(), "the dead-letter count", () -> h.state().deadLettered() == 1);
        assertThat(h.state().requeued()).isEqualTo(3);
    }

    @Test
    void aDeferredMessageComesBackAfterTheDelayTheHandlerAskedFor() {
        List<Instant> handledAt = new CopyOnWriteArrayList<>();
        Duration asked = delay().multipliedBy(2);
        Harness h = harness(fixture.uniqueTopic("defer"), w -> {
            handledAt.add(fixture.clock().instant());
            if (handledAt.size() == 1) {
                throw new DeferMessageException(asked, "not yet");
            }
        });
        h.processor.post(new Work(Request.newId(), "later"));
        Await.until(timeout(), "the first handling to be deferred", () -> h.state().requeued() == 1);
        fixture.passTime(asked);
        Await.until(timeout(), "the message to be acknowledged", () -> h.state().acknowledged() == 1);
        assertThat(Duration.between(handledAt.get(0), handledAt.get(1))).isGreaterThanOrEqualTo(asked);
    }

    @Test
    void aRejectedMessageIsDeadLetteredAtOnce() {
        AtomicInteger handled = new AtomicInteger();
        Harness h = harness(fixture.uniqueTopic("reject"), w -> {
            handled.incrementAndGet();
            throw new RejectMessageException("customer unknown");
        }, s -> s.requeueCount(5));
        h.processor.post(new Work(Request.newId(), "x"));
        Message dead = Await.value(timeout(), "the dead letter", () -> first(fixture.deadLetters(h.subscription.channelSpec())));
        assertThat(handled).hasValue(1);
        assertThat(dead.header().bag()).containsEntry(DeadLetterReason.REASON, "rejected")
                .containsEntry(DeadLetterReason.DETAIL, "customer unknown")
                .containsEntry(DeadLetterReason.ATTEMPTS, "1");
    }

    @Test
    void aRecovererThatTakesAGivenUpMessageHasItAcknowledgedNotDeadLettered() {
        List<DeadLetterReason> recovered = new CopyOnWriteArrayList<>();
        Harness h = harness(fixture.uniqueTopic("recover"), w -> {
            throw new RejectMessageException("customer unknown");
        }, s -> s.recoverer((message, reason) -> {
            recovered.add(reason);
            return MessageRecoverer.Recovery.ACKNOWLEDGE;
        }));
        h.processor.post(new Work(Request.newId(), "x"));
        Await.until(timeout(), "the recoverer to take the message", () -> h.state().deadLettered() == 1);
        assertThat(recovered).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("rejected");
            assertThat(r.detail()).isEqualTo("customer unknown");
        });
        assertThat(h.state().acknowledged()).isZero();
        assertThat(fixture.deadLetters(h.subscription.channelSpec())).isEmpty();
    }

    @Test
    void aRecovererThatThrowsStillHasTheMessageDeadLettered() {
        Harness h = harness(fixture.uniqueTopic("recover-broken"), w -> {
            throw new RejectMessageException("customer unknown");
        }, s -> s.recoverer((message, reason) -> {
            throw new IllegalStateException("error store down");
        }));
        h.processor.post(new Work(Request.newId(), "x"));
        Message dead = Await.value(timeout(), "the dead letter",
                () -> first(fixture.deadLetters(h.subscription.channelSpec())));
        assertThat(dead.header().bag()).containsEntry(DeadLetterReason.REASON, "rejected");
    }

    @Test
    void unmappableMessagesAreDeadLetteredOnFirstDeliveryAndThePumpCarriesOn() {
        List<Work> handled = new CopyOnWriteArrayList<>();
        String topic = fixture.uniqueTopic("poison");
        Harness h = harness(topic, handled::add, s -> s.unacceptableLimit(100, Duration.ofMinutes(1)));
        send(raw(topic, "{not json", MessageBody.JSON, "Work"));
        send(raw(topic, "{}", MessageBody.JSON, "NoSuchType"));
        send(raw(topic, "<work/>", "application/xml", "Work"));
        Work good = new Work(Request.newId(), "fine");
        h.processor.post(good);

        Await.until(timeout(), "three dead letters", () -> fixture.deadLetters(h.subscription.channelSpec()).size() == 3);
        Await.until(timeout(), "the good message", () -> handled.size() == 1);
        assertThat(handled).containsExactly(good);
        assertThat(fixture.deadLetters(h.subscription.channelSpec())).allSatisfy(dead -> {
            assertThat(dead.header().bag()).containsEntry(DeadLetterReason.REASON, "unacceptable")
                    .containsEntry(DeadLetterReason.ATTEMPTS, "0");
            assertThat(dead.header().bag().get(DeadLetterReason.DETAIL)).contains("Cannot map message");
        });
        assertThat(h.state().status()).isEqualTo(ChannelState.Status.RUNNING);
    }

    @Test
    void aChannelThatLosesItsBrokerReportsFailingReconnectsAndResumesWithNothingLost() {
        AtomicBoolean down = new AtomicBoolean(true);
        Transport flaky = new FailingTransport(fixture.transport(), down);
        List<Work> handled = new CopyOnWriteArrayList<>();
        String topic = fixture.uniqueTopic("reconnect");
        fixture.transport().createConsumer(subscription(topic, Work.class).channelSpec()).close(); // the queue outlives it
        Harness h = harness(topic, handled::add, s -> s.transport(flaky));
        Await.until(timeout(), "the channel to report FAILING",
                () -> h.state().status() == ChannelState.Status.FAILING);
        assertThat(h.state().reason()).contains("broker unreachable (test)");

        Work first = new Work(Request.newId(), "posted while the consumer could not connect");
        h.processor.post(first);
        down.set(false);
        Await.until(timeout(), "the first message after the reconnect", () -> handled.size() == 1);
        Await.until(timeout(), "the channel to report RUNNING again",
                () -> h.state().status() == ChannelState.Status.RUNNING);

        down.set(true); // now the connected consumer fails on receive, as on a dropped connection
        Await.until(timeout(), "FAILING after the drop", () -> h.state().status() == ChannelState.Status.FAILING);
        Work second = new Work(Request.newId(), "posted while the connection was down");
        h.processor.post(second);
        down.set(false);
        Await.until(timeout(), "the second message after the reconnect", () -> handled.size() == 2);
        assertThat(handled).containsExactly(first, second);
        Await.until(timeout(), "RUNNING again", () -> h.state().status() == ChannelState.Status.RUNNING);
        assertThat(h.state().reason()).isEmpty();
        assertThat(fixture.deadLetters(h.subscription.channelSpec())).isEmpty();
    }

    @Test
    void aQuitMessageIsDeadLetteredUnlessTheSubscriptionAcceptsQuitAndThePumpCarriesOn() {
        List<Work> handled = new CopyOnWriteArrayList<>();
        String topic = fixture.uniqueTopic("quit-refused");
        Harness h = harness(topic, handled::add);
        send(quit(topic));
        Await.until(timeout(), "the quit message dead-lettered", () -> fixture.deadLetters(h.subscription.channelSpec()).size() == 1);
        Work good = new Work(Request.newId(), "after the quit");
        h.processor.post(good);
        Await.until(timeout(), "the good message", () -> handled.size() == 1);
        assertThat(first(fixture.deadLetters(h.subscription.channelSpec())).header().bag())
                .containsEntry(DeadLetterReason.REASON, "unacceptable")
                .hasEntrySatisfying(DeadLetterReason.DETAIL, d -> assertThat(d).contains("acceptQuit"));
        assertThat(h.state().status()).isEqualTo(ChannelState.Status.RUNNING);
        assertThat(h.state().performers()).isEqualTo(1);
    }

    @Test
    void aQuitMessageStopsItsPerformerWhereTheSubscriptionAcceptsQuit() {
        String topic = fixture.uniqueTopic("quit-accepted");
        Harness h = harness(topic, w -> {}, s -> s.acceptQuit(true));
        send(quit(topic));
        Await.until(timeout(), "the performer to end", () -> h.state().performers() == 0);
        assertThat(h.state().status()).isEqualTo(ChannelState.Status.STOPPED);
        assertThat(h.state().reason()).isEqualTo("every performer ended");
        assertThat(fixture.deadLetters(h.subscription.channelSpec())).isEmpty();
    }

    @Test
    void tooManyUnacceptableMessagesPauseTheChannelUntilItIsOpened() {
        List<Work> handled = new CopyOnWriteArrayList<>();
        String topic = fixture.uniqueTopic("pause");
        Harness h = harness(topic, handled::add, s -> s.unacceptableLimit(2, Duration.ofMinutes(1)));
        for (int i = 0; i < 3; i++) {
            send(raw(topic, "garbage " + i, MessageBody.JSON, "Work"));
        }
        Await.until(timeout(), "the channel to pause", () -> h.state().status() == ChannelState.Status.PAUSED);
        assertThat(h.state().reason()).contains("more than 2 unacceptable messages");
        Await.until(timeout(), "its pumps to end", () -> h.state().performers() == 0);

        Work good = new Work(Request.newId(), "after the pause");
        h.processor.post(good);
        h.dispatcher.open(h.subscription.channel());
        Await.until(timeout(), "the good message after open()", () -> handled.size() == 1);
        assertThat(h.state().status()).isEqualTo(ChannelState.Status.RUNNING);
    }

    @Test
    void twoMessageTypesOnOneChannelEachReachTheirOwnHandler() {
        List<Request> handled = new CopyOnWriteArrayList<>();
        String topic = fixture.uniqueTopic("two-types");
        HandlerRegistry handlers = new HandlerRegistry()
                .register(Work.class, handled::add)
                .register(OtherWork.class, handled::add);
        MessageMappers mappers = new MessageMappers().json(Work.class, topic).json(OtherWork.class, topic);
        Subscription subscription = subscription(topic, Work.class, OtherWork.class);
        CommandProcessor processor = processor(handlers, mappers);
        dispatcher(processor, subscription).start();

        Work work = new Work(Request.newId(), "w");
        OtherWork other = new OtherWork(Request.newId(), 7);
        processor.post(work);
        processor.post(other);
        Await.until(timeout(), "both handled", () -> handled.size() == 2);
        assertThat(handled).containsExactlyInAnyOrder(work, other);
    }

    @Test
    void anEventIsPublishedToEveryHandler() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        String topic = fixture.uniqueTopic("event");
        HandlerRegistry handlers = new HandlerRegistry()
                .register(Noticed.class, e -> seen.add("audit:" + e.what()))
                .register(Noticed.class, e -> seen.add("stats:" + e.what()));
        CommandProcessor processor = processor(handlers, new MessageMappers().json(Noticed.class, topic));
        Subscription subscription = subscription(topic, Noticed.class);
        Dispatcher dispatcher = dispatcher(processor, subscription).start();
        processor.post(new Noticed(Request.newId(), "x"));
        Await.until(timeout(), "both handlers", () -> seen.size() == 2);
        Await.until(timeout(), "the ack", () -> dispatcher.state(subscription.channel()).acknowledged() == 1);
    }

    @Test
    void aSubscriptionAddedWhileRunningStartsAndOneRemovedStops() {
        List<Request> handled = new CopyOnWriteArrayList<>();
        String topic = fixture.uniqueTopic("first");
        String otherTopic = fixture.uniqueTopic("late");
        CommandProcessor processor = processor(new HandlerRegistry().register(Work.class, handled::add)
                .register(OtherWork.class, handled::add), new MessageMappers().json(Work.class, topic)
                .json(OtherWork.class, otherTopic));
        Dispatcher dispatcher = dispatcher(processor, subscription(topic, Work.class)).start();

        Subscription added = subscription(otherTopic, OtherWork.class);
        dispatcher.add(added);
        assertThat(dispatcher.state(added.channel()).status()).isEqualTo(ChannelState.Status.RUNNING);
        OtherWork late = new OtherWork(Request.newId(), 1);
        processor.post(late);
        Await.until(timeout(), "the added channel to handle", () -> handled.contains(late));

        assertThat(dispatcher.remove(added.channel(), Duration.ofSeconds(30))).isTrue();
        assertThat(dispatcher.states()).extracting(ChannelState::channel).containsExactly(topic + ".work");
        Work work = new Work(Request.newId(), "still running");
        processor.post(work);
        Await.until(timeout(), "the first channel to carry on", () -> handled.contains(work));
    }

    @Test
    void shutStopsAChannelAndOpenStartsItAgain() {
        List<Work> handled = new CopyOnWriteArrayList<>();
        Harness h = harness(fixture.uniqueTopic("shut"), handled::add);
        h.dispatcher.shut(h.subscription.channel());
        Await.until(timeout(), "the pumps to end", () -> h.state().performers() == 0);
        assertThat(h.state().status()).isEqualTo(ChannelState.Status.STOPPED);
        h.processor.post(new Work(Request.newId(), "while shut"));
        h.dispatcher.open(h.subscription.channel());
        Await.until(timeout(), "the message after open()", () -> handled.size() == 1);
    }

    @Test
    void gracefulStopSettlesEveryMessageInFlightAndFetchesNothingAfterStopBegan() throws Exception {
        int total = 50;
        Set<UUID> handled = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicInteger startedAfterStop = new AtomicInteger();
        CountDownLatch busy = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        String topic = fixture.uniqueTopic("graceful");
        Consumer<Work> handler = w -> {
            if (stopping.get()) {
                startedAfterStop.incrementAndGet();
            }
            busy.countDown();
            await(release);
            if (!handled.add(w.id())) {
                duplicates.incrementAndGet();
            }
        };
        Harness h = harness(topic, handler, s -> s.performers(4).prefetch(10));
        for (int i = 0; i < total; i++) {
            h.processor.post(new Work(Request.newId(), "m" + i));
        }
        assertThat(busy.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        stopping.set(true);
        Thread releaser = new Thread(() -> {
            Await.until(Duration.ofSeconds(5), "stop to begin", () -> h.state().status() != ChannelState.Status.RUNNING);
            release.countDown();
        });
        releaser.start();
        assertThat(h.dispatcher.stop(timeout())).isTrue();
        releaser.join();
        int handledBeforeStop = handled.size();
        assertThat(startedAfterStop).hasValue(0);
        assertThat(handledBeforeStop).isBetween(4, total);
        assertThat(h.state().acknowledged()).isEqualTo(handledBeforeStop);

        // A second dispatcher drains the rest: nothing was lost, nothing acknowledged comes back.
        stopping.set(false);
        Dispatcher again = dispatcher(h.processor, h.subscription).start();
        Await.until(timeout(), "all " + total + " handled", () -> handled.size() == total);
        Await.until(timeout(), "all acknowledged",
                () -> again.state(h.subscription.channel()).acknowledged() == total - handledBeforeStop);
        assertThat(duplicates).hasValue(0);
    }

    // --- wiring ----------------------------------------------------------------------------------------------------

    /** A processor, subscription and started dispatcher for {@link Work} on one topic. */
    protected final class Harness {
        final HandlerRegistry handlers;
        final CommandProcessor processor;
        final Subscription subscription;
        final Dispatcher dispatcher;

        Harness(HandlerRegistry handlers, CommandProcessor processor, Subscription subscription, Dispatcher d) {
            this.handlers = handlers;
            this.processor = processor;
            this.subscription = subscription;
            this.dispatcher = d;
        }

        ChannelState state() {
            return dispatcher.state(subscription.channel());
        }
    }

    private Harness harness(String topic, Consumer<Work> handler) {
        return harness(topic, handler, s -> s);
    }

    private Harness harness(String topic, Consumer<Work> handler,
            java.util.function.UnaryOperator<Subscription.Builder> configure) {
        HandlerRegistry handlers = new HandlerRegistry().register(Work.class, (RequestHandler<Work>) handler::accept);
        CommandProcessor processor = processor(handlers, new MessageMappers().json(Work.class, topic));
        Subscription subscription = configure.apply(subscriptionBuilder(topic, Work.class)).build();
        Dispatcher dispatcher = dispatcher(processor, subscription).start();
        return new Harness(handlers, processor, subscription, dispatcher);
    }

    @SafeVarargs
    private Subscription subscription(String topic, Class<? extends Request>... types) {
        return subscriptionBuilder(topic, types).build();
    }

    @SafeVarargs
    private Subscription.Builder subscriptionBuilder(String topic, Class<? extends Request>... types) {
        return Subscription.builder(topic, types).channel(topic + ".work").transport(fixture.transport())
                .receiveTimeout(Duration.ofMillis(100)).requeueDelay(delay());
    }

    private CommandProcessor processor(HandlerRegistry handlers, MessageMappers mappers) {
        CommandProcessor processor = CommandProcessor.builder().handlers(handlers).mappers(mappers)
                .producers(Producers.of(fixture.producer())).build();
        processors.add(processor);
        return processor;
    }

    private Dispatcher dispatcher(CommandProcessor processor, Subscription subscription) {
        Dispatcher dispatcher = Dispatcher.builder().processor(processor).subscription(subscription)
                .clock(fixture.clock()).reconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)).build();
        dispatchers.add(dispatcher);
        return dispatcher;
    }

    private void send(Message message) {
        fixture.producer().send(message).orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join();
    }

    private static Message raw(String topic, String body, String contentType, String typeName) {
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND)
                .bag(Map.of(MessageMappers.TYPE_HEADER, typeName)).build();
        return new Message(header, MessageBody.of(body.getBytes(StandardCharsets.UTF_8), contentType));
    }

    /**
     * Wraps a transport's channels with a switch: while {@code down}, making a consumer fails and a consumer made
     * before fails on receive, as when the broker is unreachable or the connection dropped.
     */
    private record FailingTransport(Transport real, AtomicBoolean down) implements Transport {
        @Override
        public MessageProducer producer() {
            return real.producer();
        }

        @Override
        public MessageConsumer createConsumer(ChannelSpec subscription) {
            if (down.get()) {
                throw new ChannelFailureException("broker unreachable (test)");
            }
            MessageConsumer consumer = real.createConsumer(subscription);
            return new MessageConsumer() {
                @Override
                public Message receive(Duration timeout) {
                    if (down.get()) {
                        throw new ChannelFailureException("connection lost (test)");
                    }
                    return consumer.receive(timeout);
                }

                @Override
                public void acknowledge(Message message) { consumer.acknowledge(message); }

                @Override
                public void requeue(Message message, Duration delay) { consumer.requeue(message, delay); }

                @Override
                public void reject(Message message, DeadLetterReason reason) { consumer.reject(message, reason); }

                @Override
                public void close() { consumer.close(); }
            };
        }
    }

    private static Message quit(String topic) {
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), topic, MessageType.QUIT).build();
        return new Message(header, MessageBody.of(new byte[0], MessageBody.JSON));
    }

    private static Message first(List<Message> messages) {
        return messages.isEmpty() ? null : messages.get(0);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch not released within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Set<UUID> ids(List<Message> messages) {
        Set<UUID> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.id()));
        return ids;
    }
}
