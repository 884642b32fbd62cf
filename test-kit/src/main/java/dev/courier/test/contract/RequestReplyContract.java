package dev.courier.test.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.ProducerException;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.ReplyTimeoutException;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterReason;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request-reply and recipient callbacks over a transport: a client processor with a reply address calls a server
 * processor whose Dispatcher handles the request and replies. Every transport's tests extend it.
 */
public abstract class RequestReplyContract {
    /** Asks for a number to be doubled. */
    public record Double(UUID id, int number) implements Command {}

    /** The answer. */
    public record Doubled(UUID id, UUID correlationId, int result) implements Reply {}

    /** A request nobody subscribes to. */
    public record Unheard(UUID id) implements Command {}

    private TransportFixture fixture;
    private final List<AutoCloseable> open = new ArrayList<>();
    private CountDownLatch gate = new CountDownLatch(0);

    protected abstract TransportFixture createFixture();

    protected Duration timeout() {
        return Duration.ofSeconds(20);
    }

    @BeforeEach
    void openFixture() {
        fixture = createFixture();
    }

    @AfterEach
    void closeAll() throws Exception {
        gate.countDown();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        fixture.close();
    }

    @Test
    void aThousandCallsFromEightThreadsEachGetTheirOwnReply() throws Exception {
        CommandProcessor client = serverAndClient(fixture.uniqueTopic("double"), 4);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(callers.submit(() -> {
                    for (int i = 0; i < 125; i++) {
                        int number = thread * 1000 + i;
                        Double request = new Double(Request.newId(), number);
                        Doubled reply = client.call(request, Doubled.class, timeout());
                        assertThat(reply.correlationId()).isEqualTo(request.id());
                        assertThat(reply.result()).isEqualTo(2 * number);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(client.droppedReplies()).isZero();
    }

    @Test
    void aCallToASlowHandlerTimesOutAndItsLateReplyIsDroppedAndCounted() {
        gate = new CountDownLatch(1);
        CommandProcessor client = serverAndClient(fixture.uniqueTopic("slow"), 1);
        Double request = new Double(Request.newId(), 21);
        assertThatThrownBy(() -> client.call(request, Doubled.class, Duration.ofMillis(300)))
                .isInstanceOf(ReplyTimeoutException.class)
                .hasMessageContaining(Double.class.getName()).hasMessageContaining(request.id().toString());
        gate.countDown();
        Await.until(timeout(), "the late reply to be dropped", () -> client.droppedReplies() == 1);
    }

    @Test
    void callAsyncCompletesEachStageWithItsOwnReply() throws Exception {
        CommandProcessor client = serverAndClient(fixture.uniqueTopic("async"), 2);
        List<Double> requests = new ArrayList<>();
        List<CompletableFuture<Doubled>> stages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Double request = new Double(Request.newId(), i);
            requests.add(request);
            stages.add(client.callAsync(request, Doubled.class, timeout()).toCompletableFuture());
        }
        for (int i = 0; i < requests.size(); i++) {
            Doubled reply = stages.get(i).get(timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            assertThat(reply.correlationId()).isEqualTo(requests.get(i).id());
            assertThat(reply.result()).isEqualTo(2 * i);
        }
        assertThat(client.droppedReplies()).isZero();
    }

    @Test
    void callAsyncFailsWithAReplyTimeoutNamingTheRequestAndItsLateReplyIsDroppedAndCounted() {
        gate = new CountDownLatch(1);
        CommandProcessor client = serverAndClient(fixture.uniqueTopic("slow-async"), 1);
        Double request = new Double(Request.newId(), 21);
        CompletableFuture<Doubled> stage = client.callAsync(request, Doubled.class, Duration.ofMillis(300))
                .toCompletableFuture();
        assertThatThrownBy(() -> stage.get(timeout().toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ReplyTimeoutException.class)
                .hasMessageContaining(Double.class.getName()).hasMessageContaining(request.id().toString());
        gate.countDown();
        Await.until(timeout(), "the late reply to be dropped", () -> client.droppedReplies() == 1);
    }

    @Test
    void callingARequestTypeNobodyHandlesFailsClearly() {
        CommandProcessor client = serverAndClient(fixture.uniqueTopic("heard"), 1);
        CommandProcessor lonely = track(CommandProcessor.builder()
                .mappers(new MessageMappers().json(Unheard.class, fixture.uniqueTopic("unheard")).reply(Doubled.class))
                .producers(Producers.of(fixture.producer())).replyChannel(fixture.transport()).build());
        assertThat(client).isNotNull();
        assertThatThrownBy(() -> lonely.call(new Unheard(Request.newId()), Doubled.class, timeout()))
                .isInstanceOf(ProducerException.class).hasMessageContaining("unheard");
    }

    @Test
    void aRecipientRemovedWhileItsRepliesAreInFlightHasThemDeadLetteredAndOthersAreUnaffected() {
        gate = new CountDownLatch(1);
        CommandProcessor client = serverAndClient(fixture.uniqueTopic("recipients"), 2);
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        client.addRecipient("keep", Doubled.class,
                r -> received.computeIfAbsent("keep", k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(r.result()));
        client.addRecipient("drop", Doubled.class,
                r -> received.computeIfAbsent("drop", k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(r.result()));
        for (int i = 1; i <= 3; i++) {
            client.postFor("keep", new Double(Request.newId(), i));
            client.postFor("drop", new Double(Request.newId(), 10 * i));
        }
        assertThat(client.removeRecipient("drop")).isTrue();
        gate.countDown();

        Await.until(timeout(), "three replies for 'keep'", () -> received.getOrDefault("keep", List.of()).size() == 3);
        ChannelSpec replyChannel = ChannelSpec.of(client.replyAddress().orElseThrow());
        Await.until(timeout(), "three dead letters for 'drop'", () -> fixture.deadLetters(replyChannel).size() == 3);
        assertThat(received.get("keep")).containsExactlyInAnyOrder(2, 4, 6);
        assertThat(received).doesNotContainKey("drop");
        for (Message dead : fixture.deadLetters(replyChannel)) {
            assertThat(dead.header().bag()).containsEntry(DeadLetterReason.REASON, "no-recipient")
                    .containsEntry(MessageMappers.RECIPIENT_HEADER, "drop");
        }
    }

    @Test
    void aRecipientCallbackThatThrowsAnErrorHasItsMessageDeadLetteredAndTheReplyThreadServesOn() {
        CommandProcessor client = serverAndClient(fixture.uniqueTopic("recipient-error"), 1);
        List<Integer> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
        client.addRecipient("broken", Doubled.class, r -> {
            throw new AssertionError("a callback bug (an Error, not an Exception)");
        });
        client.addRecipient("keep", Doubled.class, r -> kept.add(r.result()));
        client.postFor("broken", new Double(Request.newId(), 1));
        ChannelSpec replyChannel = ChannelSpec.of(client.replyAddress().orElseThrow());
        Await.until(timeout(), "the broken callback's message dead-lettered",
                () -> fixture.deadLetters(replyChannel).size() == 1);
        assertThat(fixture.deadLetters(replyChannel).get(0).header().bag())
                .containsEntry(DeadLetterReason.REASON, "handler-failed")
                .containsEntry(DeadLetterReason.EXCEPTION_TYPE, AssertionError.class.getName());

        client.postFor("keep", new Double(Request.newId(), 5));
        Doubled answer = client.call(new Double(Request.newId(), 21), Doubled.class, timeout());
        assertThat(answer.result()).isEqualTo(42);
        Await.until(timeout(), "the later recipient message", () -> kept.equals(List.of(10)));
    }

    /** Starts a server that doubles numbers (waiting for {@link #gate} first) and returns a client for it. */
    private CommandProcessor serverAndClient(String topic, int performers) {
        AtomicReference<CommandProcessor> server = new AtomicReference<>();
        CountDownLatch currentGate = gate;
        HandlerRegistry handlers = new HandlerRegistry().registerContextual(Double.class, (request, context) -> {
            try {
                currentGate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.get().reply(new Doubled(Request.newId(), request.id(), request.number() * 2), context);
        });
        MessageMappers serverMappers = new MessageMappers().json(Double.class, topic).reply(Doubled.class);
        server.set(track(CommandProcessor.builder().handlers(handlers).mappers(serverMappers)
                .producers(Producers.of(fixture.producer())).build()));
        track(Dispatcher.builder().processor(server.get())
                .subscription(Subscription.builder(topic, Double.class).channel(topic + ".server")
                        .transport(fixture.transport()).performers(performers)
                        .receiveTimeout(Duration.ofMillis(100)).build())
                .build().start());
        return track(CommandProcessor.builder()
                .mappers(new MessageMappers().json(Double.class, topic).reply(Doubled.class))
                .producers(Producers.of(fixture.producer()))
                .replyChannel(fixture.transport())
                .build());
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }
}
