package dev.courier.transport.inmemory;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import java.util.Objects;

/**
 * A message that was rejected to a channel's dead letters, and why.
 *
 * @param message the message as it was rejected: its original header (with the broker's handled count) plus the
 *                reason's {@code courier-dead-letter-*} headers in the bag
 * @param reason  the reason the consumer gave
 */
public record DeadLetter(Message message, DeadLetterReason reason) {
    public DeadLetter {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(reason, "reason");
    }
}
