package dev.courier;

import java.time.Duration;

/** No reply to a {@link dev.courier.runtime.CommandProcessor#call} arrived in time. A reply that arrives later is dropped and counted. */
public class ReplyTimeoutException extends CourierException {
    public ReplyTimeoutException(Request request, Class<?> replyType, Duration timeout) {
        super("No " + replyType.getSimpleName() + " reply to " + request.getClass().getName() + " " + request.id()
                + " within " + timeout.toMillis() + " ms");
    }
}
