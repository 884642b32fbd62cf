package dev.courier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which handlers handle which request type. Fill it before building the processor; the processor takes a snapshot.
 * A handler is registered as an instance (shared by every handling: it must be thread-safe) or as a type, which the
 * processor's {@link HandlerFactory} creates for each handling and releases afterwards.
 */
public final class HandlerRegistry {
    private final Map<Class<? extends Request>, List<Registration>> registrations = new LinkedHashMap<>();

    /** One handler of a request type: an instance, or a type for the factory. */
    public record Registration(
            Class<? extends Request> requestType, Class<? extends RequestHandler<?>> handlerType,
            RequestHandler<?> instance) {}

    public <T extends Request> HandlerRegistry register(Class<T> requestType, RequestHandler<? super T> handler) {
        Objects.requireNonNull(requestType, "requestType");
        Objects.requireNonNull(handler, "handler for " + requestType.getName());
        @SuppressWarnings("unchecked")
        Class<? extends RequestHandler<?>> type = (Class<? extends RequestHandler<?>>) handler.getClass();
        return add(new Registration(requestType, type, handler));
    }

    /**
     * {@link #register(Class, RequestHandler)} for a lambda that takes its context: {@code (request, context) -> ...}.
     * (A separate name rather than an overload, so that a method reference such as {@code list::add}, which fits
     * both shapes, stays unambiguous with {@code register}.)
     */
    public <T extends Request> HandlerRegistry registerContextual(Class<T> requestType,
            ContextualHandler<? super T> handler) {
        return register(requestType, (RequestHandler<? super T>) handler);
    }

    public <T extends Request> HandlerRegistry register(
            Class<T> requestType, Class<? extends RequestHandler<? super T>> handlerType) {
        Objects.requireNonNull(requestType, "requestType");
        Objects.requireNonNull(handlerType, "handlerType for " + requestType.getName());
        @SuppressWarnings("unchecked")
        Class<? extends RequestHandler<?>> type = (Class<? extends RequestHandler<?>>) handlerType;
        return add(new Registration(requestType, type, null));
    }

    private HandlerRegistry add(Registration registration) {
        if (registration.requestType().isInterface()) {
            throw new IllegalArgumentException("Register handlers for concrete request types, not for the interface "
                    + registration.requestType().getName());
        }
        registrations.computeIfAbsent(registration.requestType(), k -> new ArrayList<>()).add(registration);
        return this;
    }

    /** A copy of every registration, by request type, in registration order. */
    public Map<Class<? extends Request>, List<Registration>> registrations() {
        Map<Class<? extends Request>, List<Registration>> copy = new LinkedHashMap<>();
        registrations.forEach((type, list) -> copy.put(type, List.copyOf(list)));
        return copy;
    }
}
