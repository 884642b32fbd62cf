package dev.courier;

/** A transport channel or connection failed; a message pump backs off and tries again. */
public class ChannelFailureException extends CourierException {
    public ChannelFailureException(String message) {
        super(message);
    }

    public ChannelFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
