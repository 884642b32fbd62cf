package dev.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.runtime.CommandProcessor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SendAndPublishTest {

    record Greet(UUID id, String name) implements Command {
        Greet(String name) {
            this(Request.newId(), name);
        }
    }

    record Greeted(UUID id, String name) implements Event {
        Greeted(String name) {
            this(Request.newId(), name);
        }
    }

    private static CommandProcessor processor(HandlerRegistry registry) {
        return CommandProcessor.builder().handlers(registry).build();
    }

    @Test
    void sendRunsTheOneHandlerOnTheCallersThread() {
        List<String> seen = new ArrayList<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        try (CommandProcessor processor = processor(new HandlerRegistry().register(Greet.class, greet -> {
            seen.add(greet.name());
            thread.set(Thread.currentThread());
        }))) {
            processor.send(new Greet("Ada"));
        }
        assertThat(seen).containsExactly("Ada");
        assertThat(thread.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void sendWithoutAHandlerFailsNamingTheRequestType() {
        try (CommandProcessor processor = processor(new HandlerRegistry())) {
            assertThatThrownBy(() -> processor.send(new Greet("Ada")))
                    .isInstanceOf(HandlerNotFoundException.class)
                    .hasMessageContaining(Greet.class.getName());
        }
    }

    @Test
    void sendWithTwoHandlersFailsNamingTheRequestTypeAndBothHandlers() {
        AtomicInteger runs = new AtomicInteger();
        try (CommandProcessor processor = processor(new HandlerRegistry()
                .register(Greet.class, new CountingGreetHandler(runs))
                .register(Greet.class, new OtherGreetHandler()))) {
            assertThatThrownBy(() -> processor.send(new Greet("Ada")))
                    .isInstanceOf(AmbiguousHandlerException.class)
                    .hasMessageContaining(Greet.class.getName())
                    .hasMessageContaining(CountingGreetHandler.class.getName())
                    .hasMessageContaining(OtherGreetHandler.class.getName());
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void aNullRequestIsRefusedByEveryOperation() {
        try (CommandProcessor processor = processor(new HandlerRegistry())) {
            assertThatThrownBy(() -> processor.send(null))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("send(null)");
            assertThatThrownBy(() -> processor.publish(null))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("publish(null)");
            assertThatThrownBy(() -> processor.sendAsync(null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> processor.publishAsync(null)).isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void aRequestWithoutAnIdIsRefusedNamingItsType() {
        AtomicInteger runs = new AtomicInteger();
        try (CommandProcessor processor = processor(new HandlerRegistry()
                .register(Greet.class, new CountingGreetHandler(runs)))) {
            assertThatThrownBy(() -> processor.send(new Greet(null, "Ada")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining(Greet.class.getName())
                    .hasMessageContaining("no id");
            assertThatThrownBy(() -> processor.publish(new Greeted(null, "Ada")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining(Greeted.class.getName());
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void anUncheckedExceptionFromTheHandlerPropagatesAsItIs() {
        IllegalStateException failure = new IllegalStateException("no mail server");
        try (CommandProcessor processor = processor(new HandlerRegistry().register(Greet.class, greet -> {
            throw failure;
        }))) {
            assertThatThrownBy(() -> processor.send(new Greet("Ada"))).isSameAs(failure);
        }
    }

    @Test
    void aCheckedExceptionFromTheHandlerArrivesAsHandlerFailedNamingTheTypes() {
        try (CommandProcessor processor = processor(new HandlerRegistry()
                .register(Greet.class, new SneakyHandler()))) {
            assertThatThrownBy(() -> processor.send(new Greet("Ada")))
                    .isInstanceOf(HandlerFailedException.class)
                    .hasMessageContaining(Greet.class.getName())
                    .hasMessageContaining(SneakyHandler.class.getName())
                    .hasMessageContaining("disk full")
                    .hasCauseInstanceOf(IOException.class);
        }
    }

    @Test
    void publishRunsEveryHandlerAndReportsTheOneThatFailed() {
        List<String> ran = new CopyOnWriteArrayList<>();
        IllegalStateException failure = new IllegalStateException("second one broke");
        HandlerRegistry registry = new HandlerRegistry()
                .register(Greeted.class, e -> ran.add("first"))
                .register(Greeted.class, e -> {
                    ran.add("second");
                    throw failure;
                })
                .register(Greeted.class, e -> ran.add("third"));
        try (CommandProcessor processor = processor(registry)) {
            assertThatThrownBy(() -> processor.publish(new Greeted("Ada")))
                    .isInstanceOfSatisfying(PublishFailedException.class, e -> {
                        assertThat(e.failures()).containsExactly(failure);
                        assertThat(e.getSuppressed()).containsExactly(failure);
                        assertThat(e).hasMessageContaining("1 of 3 handlers failed")
                                .hasMessageContaining(Greeted.class.getName())
                                .hasMessageContaining("second one broke");
                    });
        }
        assertThat(ran).containsExactly("first", "second", "third");
    }

    @Test
    void publishWithoutHandlersDoesNothing() {
        try (CommandProcessor processor = processor(new HandlerRegistry())) {
            processor.publish(new Greeted("Ada"));
            assertThat(processor.handles(Greeted.class)).isFalse();
        }
    }

    @Test
    void aContextualHandlerGetsAFreshContextForEveryHandlingWithNoMessageForAnInProcessSend() {
        List<RequestContext> seen = new CopyOnWriteArrayList<>();
        ContextualHandler<Greet> handler = (greet, context) -> {
            context.put("name", greet.name());
            seen.add(context);
        };
        try (CommandProcessor processor = processor(new HandlerRegistry().register(Greet.class, handler))) {
            processor.send(new Greet("Ada"));
            processor.send(new Greet("Grace"));
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isNotSameAs(seen.get(1));
        assertThat(seen).allSatisfy(context -> {
            assertThat(context.handler()).isSameAs(handler);
            assertThat(context.message()).isEmpty();
        });
        assertThat(seen.get(0).values()).containsExactly(java.util.Map.entry("name", "Ada"));
        assertThat(seen.get(1).values()).containsExactly(java.util.Map.entry("name", "Grace"));
    }

    record Hello(UUID id, UUID correlationId) implements Reply {}

    @Test
    void replyingToARequestSentInProcessSaysThereIsNowhereToReplyTo() {
        AtomicReference<CommandProcessor> processor = new AtomicReference<>();
        processor.set(processor(new HandlerRegistry().registerContextual(Greet.class,
                (greet, context) -> processor.get().reply(new Hello(Request.newId(), greet.id()), context))));
        try (CommandProcessor p = processor.get()) {
            assertThatThrownBy(() -> p.send(new Greet("Ada")))
                    .isInstanceOf(CourierException.class)
                    .hasMessageContaining("reply(Hello)")
                    .hasMessageContaining("did not arrive as a message");
        }
    }

    @Test
    void aHandlerRegisteredByTypeIsCreatedAndReleasedByTheFactoryForEveryHandling() {
        List<RequestHandler<?>> created = new ArrayList<>();
        List<RequestHandler<?>> released = new ArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        HandlerFactory factory = new HandlerFactory() {
            @Override
            public RequestHandler<?> create(Class<? extends RequestHandler<?>> handlerType) {
                assertThat(handlerType).isEqualTo(CountingGreetHandler.class);
                RequestHandler<?> handler = new CountingGreetHandler(runs);
                created.add(handler);
                return handler;
            }

            @Override
            public void release(RequestHandler<?> handler) {
                released.add(handler);
            }
        };
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Greet.class, CountingGreetHandler.class))
                .handlerFactory(factory)
                .build()) {
            processor.send(new Greet("Ada"));
            processor.send(new Greet("Grace"));
            processor.send(new Greet("Barbara"));
        }
        assertThat(runs).hasValue(3);
        assertThat(created).hasSize(3).doesNotHaveDuplicates();
        assertThat(released).containsExactlyElementsOf(created);
    }

    @Test
    void aHandlerIsReleasedEvenWhenItFails() {
        List<RequestHandler<?>> released = new ArrayList<>();
        HandlerFactory factory = new HandlerFactory() {
            @Override
            public RequestHandler<?> create(Class<? extends RequestHandler<?>> handlerType) {
                return new OtherGreetHandler();
            }

            @Override
            public void release(RequestHandler<?> handler) {
                released.add(handler);
            }
        };
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Greet.class, OtherGreetHandler.class))
                .handlerFactory(factory)
                .build()) {
            assertThatThrownBy(() -> processor.send(new Greet("fail"))).hasMessage("refused fail");
        }
        assertThat(released).hasSize(1);
    }

    @Test
    void theDefaultFactoryCreatesAHandlerPerHandlingWithItsNoArgumentConstructor() {
        try (CommandProcessor processor = processor(new HandlerRegistry()
                .register(Greet.class, InstanceRecordingHandler.class))) {
            InstanceRecordingHandler.instances.clear();
            processor.send(new Greet("Ada"));
            processor.send(new Greet("Grace"));
        }
        assertThat(InstanceRecordingHandler.instances).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void aFactoryThatReturnsTheWrongTypeIsReportedNamingTheHandlerType() {
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Greet.class, OtherGreetHandler.class))
                .handlerFactory(type -> new CountingGreetHandler(new AtomicInteger()))
                .build()) {
            assertThatThrownBy(() -> processor.send(new Greet("Ada")))
                    .isInstanceOf(HandlerCreationException.class)
                    .hasMessageContaining(OtherGreetHandler.class.getName());
        }
    }

    @Test
    void sendAsyncCompletesOnAnotherThreadOnceTheHandlerReturned() {
        AtomicReference<Thread> thread = new AtomicReference<>();
        try (CommandProcessor processor = processor(new HandlerRegistry()
                .register(Greet.class, greet -> thread.set(Thread.currentThread())))) {
            assertThat(processor.sendAsync(new Greet("Ada")).toCompletableFuture())
                    .succeedsWithin(Duration.ofSeconds(5));
        }
        assertThat(thread.get()).isNotNull().isNotSameAs(Thread.currentThread());
        assertThat(thread.get().getName()).startsWith("courier-worker");
    }

    @Test
    void sendAsyncCompletesExceptionallyWhenTheHandlerFails() {
        try (CommandProcessor processor = processor(new HandlerRegistry()
                .register(Greet.class, new OtherGreetHandler()))) {
            assertThat(processor.sendAsync(new Greet("x")).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(IllegalStateException.class)
                    .withMessageContaining("refused x");
        }
    }

    @Test
    void sendAsyncWithoutAHandlerCompletesExceptionally() {
        try (CommandProcessor processor = processor(new HandlerRegistry())) {
            assertThatThrownBy(() -> processor.sendAsync(new Greet("Ada")).toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(HandlerNotFoundException.class);
        }
    }

    @Test
    void publishAsyncRunsEveryHandlerAndCompletesExceptionallyOnAFailure() {
        List<String> ran = new CopyOnWriteArrayList<>();
        try (CommandProcessor processor = processor(new HandlerRegistry()
                .register(Greeted.class, e -> ran.add("one:" + e.name()))
                .register(Greeted.class, e -> {
                    if (e.name().equals("bad")) {
                        throw new IllegalArgumentException("bad name");
                    }
                    ran.add("two:" + e.name());
                }))) {
            assertThat(processor.publishAsync(new Greeted("Ada")).toCompletableFuture())
                    .succeedsWithin(Duration.ofSeconds(5));
            assertThatThrownBy(() -> processor.publishAsync(new Greeted("bad")).toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(PublishFailedException.class);
        }
        assertThat(ran).containsExactly("one:Ada", "two:Ada", "one:bad");
    }

    @Test
    void closeStopsTheProcessorsOwnExecutorButNotOneHandedToIt() {
        var executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            CommandProcessor processor = CommandProcessor.builder().executor(executor).build();
            processor.close();
            assertThat(executor.isShutdown()).isFalse();
        } finally {
            executor.shutdownNow();
        }
    }

    /** Counts its handlings. */
    static final class CountingGreetHandler implements RequestHandler<Greet> {
        private final AtomicInteger runs;

        CountingGreetHandler(AtomicInteger runs) {
            this.runs = runs;
        }

        @Override
        public void handle(Greet request) {
            runs.incrementAndGet();
        }
    }

    /** Refuses every greeting. */
    public static final class OtherGreetHandler implements RequestHandler<Greet> {
        @Override
        public void handle(Greet request) {
            throw new IllegalStateException("refused " + request.name());
        }
    }

    /** Records each instance that handled something. */
    public static final class InstanceRecordingHandler implements RequestHandler<Greet> {
        static final List<InstanceRecordingHandler> instances = new CopyOnWriteArrayList<>();

        @Override
        public void handle(Greet request) {
            instances.add(this);
        }
    }

    /** Throws a checked exception its signature does not declare, as Lombok's @SneakyThrows or Kotlin code can. */
    static final class SneakyHandler implements RequestHandler<Greet> {
        @Override
        public void handle(Greet request) {
            throw SneakyHandler.<RuntimeException>sneaky(new IOException("disk full"));
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> T sneaky(Throwable t) throws T {
            throw (T) t;
        }
    }
}
