package dev.courier;

import java.util.List;
import java.util.stream.Collectors;

/** {@code send} found more than one handler; a command has exactly one. Use {@code publish} for events. */
public class AmbiguousHandlerException extends CourierException {
    public AmbiguousHandlerException(Class<?> requestType, List<Class<?>> handlerTypes) {
        super("send(" + requestType.getName() + ") needs exactly one handler but " + handlerTypes.size()
                + " are registered: " + handlerTypes.stream().map(Class::getName).collect(Collectors.joining(", "))
                + ". Use publish() for a request that several handlers react to.");
    }
}
