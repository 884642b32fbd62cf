package dev.courier;

import java.time.Duration;

/** A {@link dev.courier.steps.TimeoutPolicy} ran out before the handler finished; the handler's thread was interrupted. */
public class HandlerTimeoutException extends CourierException {
    public HandlerTimeoutException(Class<?> handlerType, Request request, Duration timeout) {
        super(handlerType.getName() + " did not finish " + request.getClass().getName() + " " + request.id()
                + " within " + timeout.toMillis() + " ms");
    }
}
