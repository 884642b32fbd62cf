package dev.courier.spi;

import dev.courier.message.Message;
import java.time.Instant;
import java.util.Objects;

/**
 * A message the outbox no longer hands to the sweeper: the broker refused it for itself (too large, unroutable) as
 * many times as the sweeper allows. It stays stored, with the last reason, until someone reposts it (after fixing
 * what was wrong, for example binding a queue to its topic) or deletes it.
 *
 * @param message  the message as stored
 * @param attempts how many sends were refused
 * @param reason   the last refusal, as the producer worded it
 * @param parkedAt when it was parked
 */
public record ParkedMessage(Message message, int attempts, String reason, Instant parkedAt) {
    public ParkedMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(parkedAt, "parkedAt");
    }
}
