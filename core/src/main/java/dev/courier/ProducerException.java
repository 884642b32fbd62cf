package dev.courier;

/** A message could not be sent: the broker refused it, could not route it, or did not confirm it in time. */
public class ProducerException extends CourierException {
    public ProducerException(String message) {
        super(message);
    }

    public ProducerException(String message, Throwable cause) {
        super(message, cause);
    }
}
