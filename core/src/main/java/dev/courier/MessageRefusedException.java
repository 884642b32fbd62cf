package dev.courier;

/**
 * The broker refused this message for what it is (too large, no queue bound to its topic), not because it could not
 * be reached: sent again unchanged, it fails the same way. The outbox sweeper counts such refusals and, after its
 * {@code parkAfter}, parks the message instead of trying it for ever and holding up the others.
 */
public class MessageRefusedException extends ProducerException {
    public MessageRefusedException(String message) {
        super(message);
    }

    public MessageRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
