package dev.courier.internal;

import dev.courier.ProducerException;
import java.util.List;
import java.util.UUID;

/**
 * Some messages of one topic's batch were refused or not confirmed: those stay outstanding in the outbox, and the
 * rest were sent and marked dispatched. The sweeper counts {@link #sent()} and carries on with the next batch.
 */
public final class PartlySentException extends ProducerException {
    private final List<UUID> sent;

    PartlySentException(String topic, List<UUID> sent, List<UUID> failed, Throwable firstCause) {
        super(failed.size() + " of " + (sent.size() + failed.size()) + " message(s) on topic '" + topic
                + "' were not sent and stay outstanding in the outbox " + failed + "; the other " + sent.size()
                + " were sent and marked dispatched. First failure: " + firstCause.getMessage(), firstCause);
        this.sent = List.copyOf(sent);
    }

    /** The ids that were sent and marked dispatched. */
    public List<UUID> sent() {
        return sent;
    }
}
