package dev.courier.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.Outbox;
import dev.courier.store.InMemoryOutbox;
import dev.courier.test.Await;
import dev.courier.test.InMemoryCourier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Micrometer snippet of docs/observability.md, run on the in-memory transport. */
class MicrometerDocTest {
    record TaskReminder(UUID id, String taskName) implements Command {}

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    @Test
    void theSnippetRecordsAHandling() {
        MeterRegistry registry = new SimpleMeterRegistry(); // Prometheus, OTLP, ... in an application
        Outbox outbox = new InMemoryOutbox();
        HandlerRegistry handlers = new HandlerRegistry().register(TaskReminder.class, reminder -> {});
        MessageMappers mappers = new MessageMappers().json(TaskReminder.class, "task.reminder");
        Producers producers = Producers.of(courier.transport());
        Subscription subscription = Subscription.builder("task.reminder", TaskReminder.class)
                .transport(courier.transport()).build();
        // snippet micrometer
        CourierMetrics metrics = CourierMetrics.builder(registry).outbox(outbox).build();
        CommandProcessor processor = CommandProcessor.builder()
                .handlers(handlers).mappers(mappers).producers(producers).outbox(outbox)
                .listener(metrics)
                .build();
        Dispatcher dispatcher = Dispatcher.builder().processor(processor).subscription(subscription).build().start();
        OutboxSweeper sweeper = OutboxSweeper.builder(outbox, producers).listener(metrics).build().start();
        // end micrometer
        courier.closeAfter(processor);
        courier.closeAfter(dispatcher);
        courier.closeAfter(sweeper);

        processor.post(new TaskReminder(Request.newId(), "water the plants"));

        courier.broker().awaitAcknowledged("task.reminder", 1, Duration.ofSeconds(10));
        dispatcher.stop(Duration.ofSeconds(10));
        assertThat(registry.get(CourierMetrics.HANDLING).tag("outcome", "success").timer().count()).isEqualTo(1);
    }

    @Test
    void thePrometheusSnippetServesCouriersMetersOverHttp() throws Exception {
        Outbox outbox = new InMemoryOutbox();
        // snippet prometheus
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CourierMetrics metrics = CourierMetrics.builder(prometheus).outbox(outbox).build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);   // or Boot's actuator
        server.createContext("/metrics", exchange -> {
            byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        // end prometheus
        try {
            CommandProcessor processor = courier.closeAfter(CommandProcessor.builder().outbox(outbox)
                    .handlers(new HandlerRegistry().register(TaskReminder.class, reminder -> {}))
                    .mappers(new MessageMappers().json(TaskReminder.class, "task.reminder"))
                    .producers(Producers.of(courier.transport())).listener(metrics).build());
            courier.closeAfter(Dispatcher.builder().processor(processor).subscription(Subscription
                    .builder("task.reminder", TaskReminder.class).transport(courier.transport()).build())
                    .build().start());
            processor.post(new TaskReminder(Request.newId(), "water the plants"));
            courier.broker().awaitAcknowledged("task.reminder", 1, Duration.ofSeconds(10));

            String scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();

            assertThat(scraped)
                    .contains("courier_handling_seconds_count{channel=\"task.reminder\",outcome=\"success\"} 1")
                    .contains("courier_outbox_messages_total{event=\"dispatched\",topic=\"task.reminder\"} 1")
                    .contains("courier_outbox_outstanding 0")
                    .contains("courier_outbox_oldest_age_seconds 0");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theTracingSnippetsTraceAPostToItsHandlingAndExportOverOtlp() {
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        SdkTracerProvider testProvider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
        io.opentelemetry.api.trace.Tracer otel = testProvider.get("tasks-api");
        Tracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
        Propagator propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()),
                otel);
        Outbox outbox = new InMemoryOutbox();
        HandlerRegistry handlers = new HandlerRegistry().register(TaskReminder.class, reminder -> {});
        MessageMappers mappers = new MessageMappers().json(TaskReminder.class, "task.reminder");
        Producers producers = Producers.of(courier.transport());
        Subscription subscription = Subscription.builder("task.reminder", TaskReminder.class)
                .transport(courier.transport()).build();
        // snippet tracing
        CourierTracing tracing = CourierTracing.of(tracer, propagator);   // Micrometer Tracing's (Boot has both)
        CommandProcessor processor = CommandProcessor.builder()
                .handlers(handlers).mappers(mappers).producers(producers).outbox(outbox)
                .contextPropagator(tracing)      // the post span's W3C context goes into the message
                .listener(tracing)               // send spans, and the handle span's name, error and outcome
                .build();
        Dispatcher dispatcher = Dispatcher.builder().processor(processor).subscription(subscription).build().start();
        OutboxSweeper sweeper = OutboxSweeper.builder(outbox, producers).listener(tracing).build().start();
        // end tracing
        courier.closeAfter(processor);
        courier.closeAfter(dispatcher);
        courier.closeAfter(sweeper);

        processor.post(new TaskReminder(Request.newId(), "water the plants"));
        courier.broker().awaitAcknowledged("task.reminder", 1, Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(10), "the handle span", () -> exported.getFinishedSpanItems().size() == 3);
        assertThat(exported.getFinishedSpanItems()).extracting(span -> span.getName())
                .containsExactlyInAnyOrder("courier post task.reminder", "courier send task.reminder",
                        "courier handle task.reminder");
        testProvider.close();

        // snippet otlp
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), "tasks-api"))))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint("http://127.0.0.1:4318/v1/traces").build()).build())   // your collector
                .build();
        io.opentelemetry.api.trace.Tracer openTelemetry = provider.get("tasks-api");
        CourierTracing exporting = CourierTracing.of(
                new OtelTracer(openTelemetry, new OtelCurrentTraceContext(), event -> {}),
                new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), openTelemetry));
        // end otlp
        assertThat(exporting).isNotNull();
        provider.close(); // nothing was traced with it: no export is attempted
    }
}
