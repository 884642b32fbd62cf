package dev.courier.samples.observe;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.io.IOException;
import java.util.Objects;

/**
 * A server span around each HTTP request, continuing the caller's trace when it sends a W3C {@code traceparent}:
 * what a web framework's tracing does (Spring's, a Java agent's), for the sample's plain JDK HTTP server.
 */
public final class HttpServerSpans extends Filter {
    private final Tracer tracer;
    private final Propagator propagator;
    private final String route;

    /** Spans named {@code <method> <route>}: the route as a template ({@code /tasks/{id}/reminders}), few names. */
    public HttpServerSpans(Tracer tracer, Propagator propagator, String route) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.propagator = Objects.requireNonNull(propagator, "propagator");
        this.route = Objects.requireNonNull(route, "route");
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Span span = propagator.extract(exchange, (request, name) -> request.getRequestHeaders().getFirst(name))
                .name(exchange.getRequestMethod() + " " + route)
                .kind(Span.Kind.SERVER).tag("http.request.method", exchange.getRequestMethod())
                .tag("http.route", route).tag("url.path", exchange.getRequestURI().getPath()).start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            chain.doFilter(exchange);
            span.tag("http.response.status_code", exchange.getResponseCode());
        } catch (IOException | RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public String description() {
        return "a server span per request";
    }
}
