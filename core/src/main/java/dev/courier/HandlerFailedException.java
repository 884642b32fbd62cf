package dev.courier;

/** A handler or step threw a checked exception; it is wrapped here with the request type and handler. */
public class HandlerFailedException extends CourierException {
    public HandlerFailedException(Class<?> requestType, Class<?> handlerType, Throwable cause) {
        super(handlerType.getName() + " failed handling " + requestType.getName() + " with checked exception "
                + cause.getClass().getName() + ": " + cause.getMessage(), cause);
    }
}
