package dev.courier;

/** The root of every exception Courier throws. Subtypes carry the request type, topic, message id or step. */
public class CourierException extends RuntimeException {
    public CourierException(String message) {
        super(message);
    }

    public CourierException(String message, Throwable cause) {
        super(message, cause);
    }
}
