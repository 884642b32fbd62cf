package dev.courier.samples.observe;

import dev.courier.micrometer.CourierMetrics;
import dev.courier.micrometer.CourierTracing;
import dev.courier.samples.tasks.Observing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Metrics and traces for the tasks sample, kept in memory so that the demo can print them: a Micrometer
 * {@link SimpleMeterRegistry} fed by {@link CourierMetrics}, and the OpenTelemetry SDK, through Micrometer Tracing's
 * OTel bridge, fed by {@link CourierTracing} and {@link HttpServerSpans}. A real application exports instead (see
 * docs/observability.md: Prometheus, OTLP); only the registry and the exporter change.
 */
public final class SampleTelemetry implements AutoCloseable {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<SpanData> spans = new ArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Collecting())).build();
    private final Tracer tracer;
    private final OtelPropagator propagator;
    private final CourierTracing tracing;
    private final CourierMetrics metrics = CourierMetrics.of(registry);

    public SampleTelemetry() {
        io.opentelemetry.api.trace.Tracer otel = provider.get("dev.courier.samples");
        tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
        propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
        tracing = CourierTracing.of(tracer, propagator);
    }

    /** Metrics and traces for one side of the sample (the API, or the consumer); {@code api} adds HTTP spans. */
    public Observing observing(boolean api) {
        return new Observing(List.of(metrics, tracing), tracing,
                api ? List.of(new HttpServerSpans(tracer, propagator, "/tasks/{id}/reminders")) : List.of());
    }

    public SimpleMeterRegistry registry() {
        return registry;
    }

    /** The spans ended so far. */
    public synchronized List<SpanData> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() {
        provider.close();
    }

    private final class Collecting implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> ended) {
            synchronized (SampleTelemetry.this) {
                spans.addAll(ended);
            }
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
