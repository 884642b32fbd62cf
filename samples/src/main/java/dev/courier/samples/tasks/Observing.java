package dev.courier.samples.tasks;

import com.sun.net.httpserver.Filter;
import dev.courier.ContextPropagator;
import dev.courier.CourierListener;
import dev.courier.runtime.CommandProcessorBuilder;
import dev.courier.runtime.OutboxSweeperBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the tasks sample reports to: Courier listeners (metrics, traces, the demo's printout), the propagator that
 * carries a trace in each message, and filters around the API's HTTP requests (a server span).
 *
 * @param listeners   told of every step, on the processors and the sweeper
 * @param propagator  carries the poster's context to the handler
 * @param httpFilters run around each API request
 */
public record Observing(List<CourierListener> listeners, ContextPropagator propagator, List<Filter> httpFilters) {
    /** Nothing observed. */
    public static final Observing NONE = new Observing(List.of(), ContextPropagator.NONE, List.of());

    public Observing {
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(propagator, "propagator");
        httpFilters = List.copyOf(httpFilters);
    }

    /** This, with {@code listener} told too. */
    public Observing and(CourierListener listener) {
        List<CourierListener> more = new ArrayList<>(listeners);
        more.add(Objects.requireNonNull(listener, "listener"));
        return new Observing(more, propagator, httpFilters);
    }

    /** Registers the listeners and the propagator on a processor being built. */
    public CommandProcessorBuilder on(CommandProcessorBuilder builder) {
        listeners.forEach(builder::listener);
        return builder.contextPropagator(propagator);
    }

    /** Registers the listeners on a sweeper being built. */
    public OutboxSweeperBuilder on(OutboxSweeperBuilder builder) {
        listeners.forEach(builder::listener);
        return builder;
    }
}
