package dev.courier;

/** No handler is registered for the request type given to {@code send}. */
public class HandlerNotFoundException extends CourierException {
    private final Class<?> requestType;

    public HandlerNotFoundException(Class<?> requestType) {
        super("No handler is registered for " + requestType.getName()
                + "; register one with HandlerRegistry.register(" + requestType.getSimpleName() + ".class, ...)");
        this.requestType = requestType;
    }

    public Class<?> requestType() {
        return requestType;
    }
}
