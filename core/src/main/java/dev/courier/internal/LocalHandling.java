package dev.courier.internal;

import dev.courier.AmbiguousHandlerException;
import dev.courier.Command;
import dev.courier.CourierListener;
import dev.courier.Event;
import dev.courier.HandlerFactory;
import dev.courier.HandlerFailedException;
import dev.courier.HandlerNotFoundException;
import dev.courier.HandlerRegistry;
import dev.courier.PublishFailedException;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.RequestHandler;
import dev.courier.message.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * In-process handling: finds a request's handlers and runs each through its pipeline on the calling thread. The
 * processor's {@code send} and {@code publish} are this, and so is every message a pump received.
 */
public final class LocalHandling {
    private static final HandlerBinding[] NONE = new HandlerBinding[0];

    private final Map<Class<?>, HandlerBinding[]> bindings;
    private final HandlerFactory handlerFactory;

    /** Builds every registered handler's pipeline; a mistake throws, naming the handler and the step. */
    public LocalHandling(HandlerRegistry handlers, HandlerFactory handlerFactory, PipelineBuilder pipelines) {
        Map<Class<?>, HandlerBinding[]> built = new LinkedHashMap<>();
        handlers.registrations().forEach((type, registrations) -> built.put(type, registrations.stream()
                .map(r -> new HandlerBinding(r, pipelines.build(r.handlerType(), type)))
                .toArray(HandlerBinding[]::new)));
        this.bindings = Map.copyOf(built);
        this.handlerFactory = handlerFactory;
    }

    /** Runs the one handler of the command's type; {@code message} is what it arrived as, or null in-process. */
    public void send(Command command, Message message) {
        HandlerBinding[] found = bindingsFor(command, "send");
        if (found.length == 0) {
            throw new HandlerNotFoundException(command.getClass());
        }
        if (found.length > 1) {
            List<Class<?>> types = new ArrayList<>();
            for (HandlerBinding b : found) {
                types.add(b.handlerType());
            }
            throw new AmbiguousHandlerException(command.getClass(), types);
        }
        handle(found[0], command, message);
    }

    /** Runs every handler of the event's type, each even when another failed; then throws the failures together. */
    public void publish(Event event, Message message) {
        HandlerBinding[] found = bindingsFor(event, "publish");
        List<Throwable> failures = null;
        for (HandlerBinding binding : found) {
            try {
                handle(binding, event, message);
            } catch (RuntimeException | Error e) {
                if (failures == null) {
                    failures = new ArrayList<>();
                }
                failures.add(e);
            }
        }
        if (failures != null) {
            throw new PublishFailedException(event.getClass(), found.length, failures);
        }
    }

    /** {@code send} or {@code publish} in process, timed, with the outcome told to {@code listener}. */
    public void timed(Request request, CourierListener listener) {
        long start = System.nanoTime();
        try {
            if (request instanceof Command command) {
                send(command, null);
            } else {
                publish((Event) request, null);
            }
        } catch (RuntimeException | Error e) {
            listener.handledInProcess(request, System.nanoTime() - start, e);
            throw e;
        }
        listener.handledInProcess(request, System.nanoTime() - start, null);
    }

    /** Whether a handler is registered for this request type. */
    public boolean handles(Class<? extends Request> requestType) {
        return bindings.containsKey(requestType);
    }

    private HandlerBinding[] bindingsFor(Request request, String operation) {
        Requests.require(request, operation);
        HandlerBinding[] found = bindings.get(request.getClass());
        return found == null ? NONE : found;
    }

    private void handle(HandlerBinding binding, Request request, Message message) {
        RequestHandler<?> handler = binding.acquire(handlerFactory);
        try {
            binding.pipeline().proceed(request, RequestContext.of(handler, message));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new HandlerFailedException(request.getClass(), binding.handlerType(), e);
        } finally {
            binding.release(handlerFactory, handler);
        }
    }
}
