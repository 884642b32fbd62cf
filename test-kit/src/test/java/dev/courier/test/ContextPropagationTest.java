package dev.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.ContextPropagator;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.store.InMemoryOutbox;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@link ContextPropagator} carries the poster's context to the handler: in the message's headers, through the
 * outbox (a failed send swept later, from a thread with no context), and is restored on the pump thread for the
 * handling only. Misbehaving propagators change nothing but the context.
 */
class ContextPropagationTest {
    record Job(UUID id) implements Command {}

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /** A stand-in for a tracer: the current trace is a thread-local string. */
    static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    /** Carries {@link #CURRENT} as {@code traceparent}. */
    static final class ThreadLocalTrace implements ContextPropagator {
        @Override
        public Map<String, String> capture(Message message) {
            String trace = CURRENT.get();
            return trace == null ? Map.of() : Map.of("traceparent", trace);
        }

        @Override
        public Scope restore(Map<String, String> headers) {
            CURRENT.set(headers.get("traceparent"));
            return CURRENT::remove;
        }
    }

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    private final Map<UUID, String> seen = new ConcurrentHashMap<>();

    private CommandProcessor consumer(ContextPropagator propagator) {
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder().contextPropagator(propagator)
                .handlers(new HandlerRegistry().register(Job.class,
                        job -> seen.put(job.id(), String.valueOf(CURRENT.get()))))
                .mappers(new MessageMappers().json(Job.class, "jobs"))
                .producers(Producers.of(courier.transport())).build());
        courier.closeAfter(Dispatcher.builder().processor(processor) // one performer: one pump thread for all
                .subscription(Subscription.builder("jobs", Job.class).transport(courier.transport()).build())
                .build().start());
        return processor;
    }

    @Test
    void thePostersTraceReachesTheHandlerAndLeavesThePumpAfterwards() {
        CommandProcessor processor = consumer(new ThreadLocalTrace());
        Job traced = new Job(Request.newId());
        Job untraced = new Job(Request.newId());

        CURRENT.set(TRACE);
        try {
            processor.post(traced);
        } finally {
            CURRENT.remove();
        }
        processor.post(untraced);
        courier.broker().awaitAcknowledged("jobs", 2, WAIT);

        // the same pump thread handled both: the first's trace was removed after its handling
        assertThat(seen).containsEntry(traced.id(), TRACE).containsEntry(untraced.id(), "null");
    }

    @Test
    void aMessageSweptLaterFromAThreadWithoutContextStillCarriesThePostersTrace() throws Exception {
        consumer(new ThreadLocalTrace());
        InMemoryOutbox outbox = new InMemoryOutbox();
        RecordingProducer failing = new RecordingProducer().mode(RecordingProducer.Mode.FAIL);
        CommandProcessor poster = courier.closeAfter(CommandProcessor.builder()
                .contextPropagator(new ThreadLocalTrace()).outbox(outbox)
                .mappers(new MessageMappers().json(Job.class, "jobs")).producers(Producers.of(failing)).build());
        Job job = new Job(Request.newId());

        CURRENT.set(TRACE);
        try {
            assertThatThrownBy(() -> poster.post(job)).hasMessageContaining("stay outstanding");
        } finally {
            CURRENT.remove();
        }
        assertThat(outbox.get(job.id()).orElseThrow().header().bag()).containsEntry("traceparent", TRACE);
        Thread sweeping = new Thread(() -> {
            try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(courier.transport()))
                    .minAge(Duration.ZERO).build()) {
                sweeper.sweep();
            }
        });
        sweeping.start();
        sweeping.join(WAIT.toMillis());
        courier.broker().awaitAcknowledged("jobs", 1, WAIT);

        assertThat(seen).containsEntry(job.id(), TRACE);
    }

    @Test
    void forbiddenNamesAreNotCarriedAndAFailingRestoreStillHandlesTheMessage() {
        ContextPropagator rude = new ContextPropagator() {
            @Override
            public Map<String, String> capture(Message message) {
                return Map.of("courier-topic", "elsewhere", "x-death", "forged", "tracestate", "vendor=1");
            }

            @Override
            public Scope restore(Map<String, String> headers) {
                CURRENT.set(headers.get("tracestate") + "," + headers.get("courier-topic") + ","
                        + headers.get("x-death"));
                return () -> {
                    CURRENT.remove();
                    throw new IllegalStateException("scope bug (test)");
                };
            }
        };
        CommandProcessor processor = consumer(rude);
        Job first = new Job(Request.newId());
        Job second = new Job(Request.newId());

        processor.post(first);
        processor.post(second);
        courier.broker().awaitAcknowledged("jobs", 2, WAIT);

        assertThat(seen).containsEntry(first.id(), "vendor=1,null,null").containsEntry(second.id(),
                "vendor=1,null,null");
    }

    @Test
    void aPropagatorThatCannotRestoreLeavesTheHandlingAlone() {
        CommandProcessor processor = consumer(new ContextPropagator() {
            @Override
            public Map<String, String> capture(Message message) {
                return Map.of("traceparent", TRACE);
            }

            @Override
            public Scope restore(Map<String, String> headers) {
                throw new IllegalStateException("restore bug (test)");
            }
        });
        Job job = new Job(Request.newId());

        processor.post(job);
        courier.broker().awaitAcknowledged("jobs", 1, WAIT);

        assertThat(seen).containsEntry(job.id(), "null");
    }
}
