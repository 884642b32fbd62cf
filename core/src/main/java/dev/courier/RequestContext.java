package dev.courier;

import dev.courier.message.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Travels with one handling of a request through its pipeline: a bag of values that steps and the handler share,
 * the handler instance, and, for a request that arrived as a message, that message.
 *
 * <p>Steps get it as a parameter and pass it on; the handler gets it when it implements {@link ContextualHandler}
 * (or overrides {@link RequestHandler#handle(Request, RequestContext)}). There is no thread-local "current" context:
 * see docs/pipeline.md. A context belongs to one handling at a time; it is not meant to be shared.
 */
public final class RequestContext {
    private final RequestHandler<?> handler;
    private final Message message;
    private Map<String, Object> bag;

    private RequestContext(RequestHandler<?> handler, Message message) {
        this.handler = handler;
        this.message = message;
    }

    /**
     * A context for one handling by {@code handler}; {@code message} is the message the request came from, or
     * null. The processor makes these; tests of a custom step may too.
     */
    public static RequestContext of(RequestHandler<?> handler, Message message) {
        return new RequestContext(Objects.requireNonNull(handler, "handler"), message);
    }

    /** The handler this pipeline leads to. */
    public RequestHandler<?> handler() {
        return handler;
    }

    /** The message the request was mapped from, when it came through a transport. */
    public Optional<Message> message() {
        return Optional.ofNullable(message);
    }

    public void put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (bag == null) {
            bag = new HashMap<>();
        }
        bag.put(key, value);
    }

    public <V> Optional<V> get(String key, Class<V> type) {
        Object value = bag == null ? null : bag.get(key);
        return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
    }

    public Map<String, Object> values() {
        return bag == null ? Map.of() : Map.copyOf(bag);
    }
}
