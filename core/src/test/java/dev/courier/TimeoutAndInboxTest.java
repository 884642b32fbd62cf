package dev.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.runtime.CommandProcessor;
import dev.courier.steps.TimeoutPolicy;
import dev.courier.steps.UseInbox;
import dev.courier.store.InMemoryInbox;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link TimeoutPolicy} and {@link UseInbox}. */
class TimeoutAndInboxTest {

    record Export(UUID id) implements Command {
        Export() {
            this(Request.newId());
        }
    }

    /** Blocks until interrupted; never released by the test. */
    static class StuckHandler implements ContextualHandler<Export> {
        final CountDownLatch neverReleased = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final AtomicReference<RequestContext> context = new AtomicReference<>();

        @Override
        // Long enough that the timeout's fresh worker thread has surely started it (a loaded machine can take
        // more than 100 ms to schedule it; a task cancelled before it starts is never interrupted).
        @TimeoutPolicy(step = 1, millis = 1000)
        public void handle(Export request, RequestContext context) {
            this.context.set(context);
            try {
                neverReleased.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }
    }

    @Test
    void aHandlerThatRunsPastItsTimeoutFailsTheSendAndIsInterrupted() throws InterruptedException {
        StuckHandler handler = new StuckHandler();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Export.class, handler)).build()) {
            Export export = new Export();
            assertThatThrownBy(() -> processor.send(export))
                    .isInstanceOf(HandlerTimeoutException.class)
                    .hasMessageContaining(StuckHandler.class.getName())
                    .hasMessageContaining(export.id().toString())
                    .hasMessageContaining("1000 ms");
            assertThat(handler.interrupted.await(10, TimeUnit.SECONDS)).as("handler interrupted").isTrue();
            assertThat(handler.context.get()).as("the context handed to the timeout's thread").isNotNull();
        }
    }

    static class QuickHandler implements RequestHandler<Export> {
        final AtomicReference<Thread> thread = new AtomicReference<>();

        @Override
        @TimeoutPolicy(step = 1, millis = 10_000)
        public void handle(Export request) {
            thread.set(Thread.currentThread());
            if (request.id().getLeastSignificantBits() == 0) {
                throw new IllegalArgumentException("zero");
            }
        }
    }

    @Test
    void aHandlerWithinItsTimeoutSucceedsAndItsFailuresPassThroughUnchanged() {
        QuickHandler handler = new QuickHandler();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Export.class, handler)).build()) {
            processor.send(new Export());
            assertThat(handler.thread.get()).isNotSameAs(Thread.currentThread());
            assertThatThrownBy(() -> processor.send(new Export(new UUID(1, 0))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("zero");
        }
    }

    static class OnceOnlyHandler implements RequestHandler<Export> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        @UseInbox(step = 1)
        public void handle(Export request) {
            runs.incrementAndGet();
        }
    }

    static class WarnOnDuplicateHandler implements RequestHandler<Export> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        @UseInbox(step = 1, onDuplicate = UseInbox.OnDuplicate.WARN, key = "exporter")
        public void handle(Export request) {
            runs.incrementAndGet();
        }
    }

    @Test
    void theInboxRefusesADuplicateWithAnExceptionByDefault() {
        OnceOnlyHandler handler = new OnceOnlyHandler();
        InMemoryInbox inbox = new InMemoryInbox();
        try (CommandProcessor processor = CommandProcessor.builder().inbox(inbox)
                .handlers(new HandlerRegistry().register(Export.class, handler)).build()) {
            Export export = new Export();
            processor.send(export);
            assertThatThrownBy(() -> processor.send(export))
                    .isInstanceOf(DuplicateMessageException.class)
                    .hasMessageContaining(Export.class.getName())
                    .hasMessageContaining(export.id().toString())
                    .hasMessageContaining(OnceOnlyHandler.class.getName());
            processor.send(new Export());
        }
        assertThat(handler.runs).hasValue(2);
        assertThat(inbox.contains(UUID.randomUUID(), OnceOnlyHandler.class.getName())).isFalse();
        assertThat(inbox.size()).isEqualTo(2);
    }

    @Test
    void theInboxCanSkipADuplicateWithAWarningUnderItsOwnKey() {
        WarnOnDuplicateHandler handler = new WarnOnDuplicateHandler();
        InMemoryInbox inbox = new InMemoryInbox();
        try (CommandProcessor processor = CommandProcessor.builder().inbox(inbox)
                .handlers(new HandlerRegistry().register(Export.class, handler)).build()) {
            Export export = new Export();
            processor.send(export);
            processor.send(export);
            assertThat(inbox.contains(export.id(), "exporter")).isTrue();
        }
        assertThat(handler.runs).hasValue(1);
    }

    static class FailsFirstHandler implements RequestHandler<Export> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        @UseInbox(step = 1)
        public void handle(Export request) {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("first try fails");
            }
        }
    }

    @Test
    void aFailedHandlingIsNotRecordedSoTheRetryRuns() {
        FailsFirstHandler handler = new FailsFirstHandler();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Export.class, handler)).build()) {
            Export export = new Export();
            assertThatThrownBy(() -> processor.send(export)).hasMessage("first try fails");
            processor.send(export);
            assertThatThrownBy(() -> processor.send(export)).isInstanceOf(DuplicateMessageException.class);
        }
        assertThat(handler.runs).hasValue(2);
    }
}
