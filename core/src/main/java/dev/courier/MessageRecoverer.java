package dev.courier;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;

/**
 * Decides what becomes of a message a pump has given up on: one that could not be mapped, that its handler
 * rejected, or that failed more often than its subscription's requeue count (as Spring AMQP's
 * {@code MessageRecoverer}). Set one per channel with {@code Subscription.Builder.recoverer}.
 *
 * <pre>{@code
 * MessageRecoverer toErrorTopic = (message, reason) -> {
 *     errors.send(message.withHeader(message.header().toBuilder().topic("errors").build())).join();
 *     return MessageRecoverer.Recovery.ACKNOWLEDGE;          // it is safe in "errors" now
 * };
 * }</pre>
 *
 * <p>It runs on the pump's thread before the message is settled. If it throws, the message goes to the transport's
 * dead letters as if it had returned {@link Recovery#DEAD_LETTER}, with the recoverer's failure logged: a broken
 * recoverer loses nothing.
 */
@FunctionalInterface
public interface MessageRecoverer {

    /** The default: every given-up message goes to the transport's dead letters, with the reason as headers. */
    MessageRecoverer DEAD_LETTER = (message, reason) -> Recovery.DEAD_LETTER;

    /** How the pump settles the message once the recoverer returned. */
    enum Recovery {
        /** The recoverer took care of the message (stored or republished it): acknowledge it. */
        ACKNOWLEDGE,
        /** Move the message to the transport's dead letters with the reason. */
        DEAD_LETTER
    }

    /**
     * @param message the message as it arrived
     * @param reason  why the pump gave up: reason code, detail, exception type, attempts
     * @return how to settle it
     * @throws Exception when the recovery failed; the message is dead-lettered instead
     */
    Recovery recover(Message message, DeadLetterReason reason) throws Exception;
}
