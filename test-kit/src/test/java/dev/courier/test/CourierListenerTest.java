package dev.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.CourierListener;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.ReplyTimeoutException;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.DeadLetterReason;
import dev.courier.store.InMemoryOutbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a {@link CourierListener} is told, message by message, on the in-memory transport: posting (deposited,
 * dispatched or not), a Dispatcher's handling (received, handled, acknowledged, requeued, dead-lettered,
 * unacceptable), in-process handling, sweeper passes; and that a listener that throws changes nothing.
 */
class CourierListenerTest {
    record Job(UUID id, String kind) implements Command {}

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration REQUEUE_DELAY = Duration.ofSeconds(1);

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    private final Recording events = new Recording();
    private final Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();

    /** ok: handled; flaky: fails its first handling; doomed: always fails; anything else is refused. */
    private void handle(Job job) {
        int attempt = attempts.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
        if (job.kind().equals("doomed") || (job.kind().equals("flaky") && attempt == 1)) {
            throw new IllegalStateException(job.kind() + " attempt " + attempt);
        }
    }

    private CommandProcessor processor(CourierListener listener) {
        return courier.closeAfter(CommandProcessor.builder().listener(listener)
                .handlers(new HandlerRegistry().register(Job.class, this::handle))
                .mappers(new MessageMappers().json(Job.class, "jobs"))
                .producers(Producers.of(courier.transport())).build());
    }

    private Dispatcher dispatcher(CommandProcessor processor) {
        return courier.closeAfter(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("jobs", Job.class).transport(courier.transport())
                        .requeueCount(1).requeueDelay(REQUEUE_DELAY).build())
                .build().start());
    }

    @Test
    void theListenerSeesEveryStepOfEachMessageInOrder() {
        CommandProcessor processor = processor(events);
        dispatcher(processor);
        Job ok = new Job(Request.newId(), "ok");
        Job flaky = new Job(Request.newId(), "flaky");
        Job doomed = new Job(Request.newId(), "doomed");
        UUID malformed = UUID.randomUUID();
        for (Job job : List.of(ok, flaky, doomed)) {
            processor.post(job);
        }
        courier.producer().send(new Message(MessageHeader.builder(malformed, "jobs", MessageType.COMMAND).build(),
                MessageBody.json("{\"id\": not json"))).join();

        Await.until(WAIT, () -> "two requeued: " + events, () -> courier.delayed("jobs") == 2);
        courier.broker().advanceClock(REQUEUE_DELAY);
        courier.broker().awaitAcknowledged("jobs", 2, WAIT);
        courier.broker().awaitDeadLettered("jobs", 2, WAIT);
        // the broker counts an ack or a dead letter before the pump tells the listener: wait for the events too
        Await.until(WAIT, () -> "every event: " + events, () -> events.of(ok.id()).size() == 6
                && events.of(flaky.id()).size() == 9 && events.of(doomed.id()).size() == 9
                && events.of(malformed).size() == 3);

        assertThat(events.of(ok.id())).containsSubsequence("deposited", "sending", "dispatched")
                .containsSubsequence("received", "handled ok", "acknowledged").hasSize(6);
        assertThat(events.of(flaky.id())).containsSubsequence("deposited", "sending", "dispatched")
                .containsSubsequence("received", "handled IllegalStateException", "requeued 1000 ms after 1",
                        "received", "handled ok", "acknowledged").hasSize(9);
        assertThat(events.of(doomed.id())).containsSubsequence("deposited", "sending", "dispatched")
                .containsSubsequence("received", "handled IllegalStateException", "requeued 1000 ms after 1",
                        "received", "handled IllegalStateException", "dead-lettered handler-failed").hasSize(9);
        assertThat(events.of(malformed)).containsExactly("received", "unacceptable",
                "dead-lettered unacceptable");
        assertThat(events.handlingNanos).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void inProcessHandlingIsTimedAndItsFailureNamed() {
        CommandProcessor processor = processor(events);
        Job ok = new Job(Request.newId(), "ok");
        Job doomed = new Job(Request.newId(), "doomed");

        processor.send(ok);
        assertThatThrownBy(() -> processor.send(doomed)).isInstanceOf(IllegalStateException.class);

        assertThat(events.of(ok.id())).containsExactly("in process ok");
        assertThat(events.of(doomed.id())).containsExactly("in process IllegalStateException");
        assertThat(events.handlingNanos).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void aSendThatFailsIsReportedAndTheSweeperReportsItsPassAndTheLaterDispatch() {
        RecordingProducer producer = new RecordingProducer().mode(RecordingProducer.Mode.FAIL);
        InMemoryOutbox outbox = new InMemoryOutbox();
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder().listener(events).outbox(outbox)
                .mappers(new MessageMappers().json(Job.class, "jobs")).producers(Producers.of(producer))
                .build());
        Job job = new Job(Request.newId(), "ok");

        assertThatThrownBy(() -> processor.post(job)).hasMessageContaining("stay outstanding");
        producer.mode(RecordingProducer.Mode.CONFIRM);
        try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(producer)).minAge(Duration.ZERO)
                .listener(events).build()) {
            assertThat(sweeper.sweep()).isEqualTo(1);
            assertThat(sweeper.sweep()).isZero();
        }

        assertThat(events.of(job.id())).containsExactly("deposited", "sending", "not dispatched", "sending",
                "dispatched");
        assertThat(events.passes).containsExactly("swept 1, failed 0", "swept 0, failed 0");
    }

    record Ask(UUID id, boolean slow) implements Command {}

    record Answer(UUID id, UUID correlationId, String trace) implements Reply {}

    @Test
    void aCallCarriesTheCallersContextAndItsReplyIsReportedMatchedOrDroppedWhenLate() {
        CountDownLatch slowGate = new CountDownLatch(1);
        AtomicReference<CommandProcessor> server = new AtomicReference<>();
        server.set(courier.closeAfter(CommandProcessor.builder()
                .contextPropagator(new ContextPropagationTest.ThreadLocalTrace())
                .handlers(new HandlerRegistry().registerContextual(Ask.class, (ask, context) -> {
                    if (ask.slow()) {
                        Await.until(WAIT, "the test to release the slow handler", () -> slowGate.getCount() == 0);
                    }
                    server.get().reply(new Answer(Request.newId(), ask.id(),
                            String.valueOf(ContextPropagationTest.CURRENT.get())), context);
                }))
                .mappers(new MessageMappers().json(Ask.class, "asks").reply(Answer.class))
                .producers(Producers.of(courier.transport())).build()));
        courier.closeAfter(Dispatcher.builder().processor(server.get()).subscription(Subscription
                .builder("asks", Ask.class).transport(courier.transport()).build()).build().start());
        CommandProcessor client = courier.closeAfter(CommandProcessor.builder().listener(events)
                .contextPropagator(new ContextPropagationTest.ThreadLocalTrace())
                .mappers(new MessageMappers().json(Ask.class, "asks").reply(Answer.class))
                .producers(Producers.of(courier.transport())).replyChannel(courier.transport()).build());
        Ask quick = new Ask(Request.newId(), false);
        Ask slow = new Ask(Request.newId(), true);

        Answer answer;
        ContextPropagationTest.CURRENT.set("caller-trace");
        try {
            answer = client.call(quick, Answer.class, WAIT);
            assertThatThrownBy(() -> client.call(slow, Answer.class, Duration.ofMillis(200)))
                    .isInstanceOf(ReplyTimeoutException.class);
        } finally {
            ContextPropagationTest.CURRENT.remove();
        }
        slowGate.countDown();

        assertThat(answer.trace()).isEqualTo("caller-trace");
        // the reply thread completes the caller's future, then tells the listener: the call can return in between
        Await.until(WAIT, () -> "the reply matched: " + events, () -> !events.of(quick.id()).isEmpty());
        assertThat(events.of(quick.id())).containsExactly("reply matched");
        Await.until(WAIT, () -> "the late reply dropped: " + events, () -> events.of(slow.id()).size() == 1);
        assertThat(events.of(slow.id())).containsExactly("reply dropped");
    }

    @Test
    void aChannelThatPausesItselfTellsTheListenerWhy() {
        CommandProcessor processor = processor(events);
        courier.closeAfter(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("jobs", Job.class).transport(courier.transport())
                        .unacceptableLimit(1, Duration.ofMinutes(1)).build())
                .build().start());
        for (int i = 0; i < 2; i++) {
            courier.producer().send(new Message(MessageHeader.builder(UUID.randomUUID(), "jobs", MessageType.COMMAND)
                    .build(), MessageBody.json("{\"id\": not json"))).join();
        }

        Await.until(WAIT, () -> "a pause: " + events.passes, () -> !events.passes.isEmpty());
        assertThat(events.passes).singleElement().asString().startsWith("paused jobs: more than 1 unacceptable");
    }

    @Test
    void aListenerThatThrowsChangesNothingAndTheNextIsStillTold() {
        CourierListener throwing = new CourierListener() {
            @Override
            public void received(String channel, Message message) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void deposited(Message message) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void acknowledged(String channel, Message message) {
                throw new IllegalStateException("listener bug");
            }
        };
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder().listener(throwing).listener(events)
                .handlers(new HandlerRegistry().register(Job.class, this::handle))
                .mappers(new MessageMappers().json(Job.class, "jobs"))
                .producers(Producers.of(courier.transport())).build());
        dispatcher(processor);
        Job ok = new Job(Request.newId(), "ok");

        processor.post(ok);

        courier.broker().awaitAcknowledged("jobs", 1, WAIT);
        Await.until(WAIT, () -> "the second listener told everything: " + events,
                () -> events.of(ok.id()).size() == 6);
        assertThat(attempts.get(ok.id())).hasValue(1);
        assertThat(events.of(ok.id())).containsSubsequence("deposited", "sending", "dispatched")
                .containsSubsequence("received", "handled ok", "acknowledged");
    }

    /** Records each event by message id (or request id), as short strings. */
    static final class Recording implements CourierListener {
        private final Map<UUID, List<String>> byId = new ConcurrentHashMap<>();
        final List<Long> handlingNanos = new CopyOnWriteArrayList<>();
        final List<String> passes = new CopyOnWriteArrayList<>();

        List<String> of(UUID id) {
            return new ArrayList<>(byId.getOrDefault(id, List.of()));
        }

        private void add(UUID id, String event) {
            byId.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(event);
        }

        private static String outcome(Throwable failure) {
            return failure == null ? "ok" : failure.getClass().getSimpleName();
        }

        @Override
        public void handledInProcess(Request request, long nanos, Throwable failure) {
            handlingNanos.add(nanos);
            add(request.id(), "in process " + outcome(failure));
        }

        @Override
        public void deposited(Message message) {
            add(message.id(), "deposited");
        }

        @Override
        public void sending(Message message) {
            add(message.id(), "sending");
        }

        @Override
        public void dispatched(Message message) {
            add(message.id(), "dispatched");
        }

        @Override
        public void replyMatched(Message reply) {
            add(reply.header().correlationId(), "reply matched");
        }

        @Override
        public void replyDropped(Message reply) {
            add(reply.header().correlationId(), "reply dropped");
        }

        @Override
        public void channelPaused(String channel, String reason) {
            passes.add("paused " + channel + ": " + reason);
        }

        @Override
        public void notDispatched(Message message, Throwable cause) {
            add(message.id(), "not dispatched");
        }

        @Override
        public void received(String channel, Message message) {
            add(message.id(), "received");
        }

        @Override
        public void unacceptable(String channel, Message message, Throwable cause) {
            add(message.id(), "unacceptable");
        }

        @Override
        public void handled(String channel, Message message, long nanos, Throwable failure) {
            handlingNanos.add(nanos);
            add(message.id(), "handled " + outcome(failure));
        }

        @Override
        public void acknowledged(String channel, Message message) {
            add(message.id(), "acknowledged");
        }

        @Override
        public void requeued(String channel, Message message, Duration delay, int attempts) {
            add(message.id(), "requeued " + delay.toMillis() + " ms after " + attempts);
        }

        @Override
        public void deadLettered(String channel, Message message, DeadLetterReason reason) {
            add(message.id(), "dead-lettered " + reason.reason());
        }

        @Override
        public void swept(int sent, int failed) {
            passes.add("swept " + sent + ", failed " + failed);
        }

        @Override
        public String toString() {
            return byId.toString();
        }
    }
}
