package dev.courier;

/** The {@link HandlerFactory} could not create a handler. */
public class HandlerCreationException extends CourierException {
    public HandlerCreationException(Class<?> handlerType, Throwable cause) {
        super("Could not create handler " + handlerType.getName() + ": " + cause, cause);
    }

    public HandlerCreationException(String message) {
        super(message);
    }
}
