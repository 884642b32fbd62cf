package dev.courier.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.store.InMemoryOutbox;
import dev.courier.test.Await;
import dev.courier.test.InMemoryCourier;
import dev.courier.test.RecordingProducer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CourierTracing} over the OpenTelemetry SDK (through micrometer-tracing's OTel bridge), spans read from the
 * SDK's in-memory exporter: one trace from the caller's span to the handler's own span, across a failed send and a
 * sweep from another thread, with every parent asserted.
 */
class CourierTracingTest {
    record Job(UUID id, String kind) implements Command {}

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final io.opentelemetry.api.trace.Tracer otel = provider.get("courier-test");
    private final ContextPropagators w3c = ContextPropagators.create(W3CTraceContextPropagator.getInstance());
    private final Tracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
    private final CourierTracing tracing = CourierTracing.of(tracer, new OtelPropagator(w3c, otel));

    @AfterEach
    void closeProvider() {
        provider.close();
    }

    private CommandProcessor processor(Producers producers, InMemoryOutbox outbox) {
        return courier.closeAfter(CommandProcessor.builder().contextPropagator(tracing).listener(tracing)
                .outbox(outbox).handlers(new HandlerRegistry().register(Job.class, this::handle))
                .mappers(new MessageMappers().json(Job.class, "jobs")).producers(producers).build());
    }

    private void consume(CommandProcessor processor) {
        courier.closeAfter(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("jobs", Job.class).transport(courier.transport())
                        .requeueCount(0).build())
                .build().start());
    }

    /** The handler's own work is a span too: it must be a child of Courier's handle span. */
    private void handle(Job job) {
        Span work = tracer.nextSpan().name("mail " + job.kind()).start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(work)) {
            if (job.kind().equals("doomed")) {
                throw new IllegalStateException("doomed (test)");
            }
        } finally {
            work.end();
        }
    }

    private SpanData await(Predicate<SpanData> which, String what) {
        Await.until(WAIT, what, () -> exporter.getFinishedSpanItems().stream().anyMatch(which));
        return exporter.getFinishedSpanItems().stream().filter(which).findFirst().orElseThrow();
    }

    private static Predicate<SpanData> named(String name) {
        return span -> span.getName().equals(name);
    }

    @Test
    void oneTraceRunsFromTheCallersSpanThroughAFailedSendAndALaterSweepToTheHandlersOwnSpan() throws Exception {
        InMemoryOutbox outbox = new InMemoryOutbox();
        RecordingProducer down = new RecordingProducer().mode(RecordingProducer.Mode.FAIL); // the broker is away
        CommandProcessor poster = processor(Producers.of(down), outbox);
        consume(processor(Producers.of(courier.transport()), new InMemoryOutbox()));
        Job job = new Job(Request.newId(), "ok");

        Span request = tracer.nextSpan().name("POST /tasks/{id}/reminders").start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(request)) {
            assertThatThrownBy(() -> poster.post(job)).hasMessageContaining("stay outstanding");
        } finally {
            request.end();
        }
        Thread sweeping = new Thread(() -> {
            try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(courier.transport()))
                    .minAge(Duration.ZERO).listener(tracing).build()) {
                sweeper.sweep();
            }
        }, "sweeper-test");
        sweeping.start();
        sweeping.join(WAIT.toMillis());

        SpanData mail = await(named("mail ok"), "the handler's span");
        SpanData handle = await(named("courier handle jobs"), "the handle span");
        SpanData http = await(named("POST /tasks/{id}/reminders"), "the request span");
        SpanData post = await(named("courier post jobs"), "the post span");
        Await.until(WAIT, "both send spans", () -> exporter.getFinishedSpanItems().stream()
                .filter(named("courier send jobs")).count() == 2);
        List<SpanData> sends = exporter.getFinishedSpanItems().stream().filter(named("courier send jobs")).toList();
        assertThat(sends).hasSize(2);
        SpanData failed = sends.stream().filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
                .findFirst().orElseThrow();
        SpanData swept = sends.stream().filter(s -> s.getStatus().getStatusCode() != StatusCode.ERROR)
                .findFirst().orElseThrow();

        assertThat(List.of(post, failed, swept, handle, mail)).allSatisfy(
                span -> assertThat(span.getTraceId()).isEqualTo(http.getTraceId()));
        assertThat(post.getParentSpanId()).isEqualTo(http.getSpanId());
        assertThat(failed.getParentSpanId()).isEqualTo(post.getSpanId());
        assertThat(swept.getParentSpanId()).isEqualTo(post.getSpanId());
        assertThat(handle.getParentSpanId()).isEqualTo(post.getSpanId());
        assertThat(mail.getParentSpanId()).isEqualTo(handle.getSpanId());
        assertThat(post.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(handle.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(swept.getStartEpochNanos()).isGreaterThanOrEqualTo(failed.getEndEpochNanos());
        assertThat(handle.getAttributes().get(AttributeKey.stringKey(CourierTracing.MESSAGE_ID)))
                .isEqualTo(job.id().toString());
        assertThat(handle.getAttributes().get(AttributeKey.stringKey(CourierTracing.OUTCOME)))
                .isEqualTo("acknowledged");
        assertThat(handle.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    }

    @Test
    void aFailedHandlingEndsItsSpanWithTheErrorAndTheOutcome() {
        CommandProcessor processor = processor(Producers.of(courier.transport()), new InMemoryOutbox());
        consume(processor);

        processor.post(new Job(Request.newId(), "doomed"));

        SpanData handle = await(named("courier handle jobs"), "the handle span");
        assertThat(handle.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(handle.getAttributes().get(AttributeKey.stringKey(CourierTracing.OUTCOME)))
                .isEqualTo("dead-lettered");
        assertThat(handle.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    }

    @Test
    void aPostWithNoCurrentSpanStartsATraceOfItsOwnAndThePumpLeavesNoSpanCurrentAfterwards() {
        CommandProcessor processor = processor(Producers.of(courier.transport()), new InMemoryOutbox());
        consume(processor);

        processor.post(new Job(Request.newId(), "first"));
        processor.post(new Job(Request.newId(), "second"));

        SpanData first = await(named("mail first"), "the first handling");
        SpanData second = await(named("mail second"), "the second handling");
        assertThat(first.getTraceId()).isNotEqualTo(second.getTraceId()); // not leaked from one handling to the next
        List<SpanData> posts = exporter.getFinishedSpanItems().stream().filter(named("courier post jobs")).toList();
        assertThat(posts).hasSize(2).allSatisfy(post -> assertThat(post.getParentSpanContext().isValid()).isFalse());
        assertThat(tracer.currentSpan()).isNull();
    }

    @Test
    void aSendWhoseOutcomeNeverCameIsEndedAsUnknownWhenTheMessageIsSentAgain() {
        dev.courier.message.Message message = new dev.courier.message.Message(dev.courier.message.MessageHeader
                .builder(Request.newId(), "jobs", dev.courier.message.MessageType.COMMAND).build(),
                dev.courier.message.MessageBody.json("{}"));

        tracing.sending(message);          // an attempt whose producer never answered
        tracing.sending(message);          // the sweeper's later attempt
        tracing.dispatched(message);

        List<SpanData> sends = exporter.getFinishedSpanItems().stream().filter(named("courier send jobs")).toList();
        assertThat(sends).hasSize(2);
        assertThat(sends.get(0).getAttributes().get(AttributeKey.stringKey(CourierTracing.OUTCOME)))
                .isEqualTo("unknown");
        assertThat(sends.get(1).getAttributes().get(AttributeKey.stringKey(CourierTracing.OUTCOME))).isNull();
    }
}
