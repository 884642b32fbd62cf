package dev.courier;

/** Thrown by a handler for a message that will never succeed: the message pump dead-letters it at once. */
public class RejectMessageException extends CourierException {
    public RejectMessageException(String reason) {
        super(reason);
    }

    public RejectMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
