package dev.courier;

/** The outbox could not store, read or update messages; or it is full. */
public class OutboxException extends CourierException {
    public OutboxException(String message) {
        super(message);
    }

    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
