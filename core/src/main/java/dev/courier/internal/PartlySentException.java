package dev.courier.internal;

import dev.courier.ProducerException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Some messages of one topic's batch were refused or not confirmed: those stay outstanding in the outbox, and the
 * rest were sent and marked dispatched. The sweeper counts {@link #sent()} and carries on with the next batch.
 */
public final class PartlySentException extends ProducerException {
    private final List<UUID> sent;
    private final Map<UUID, Throwable> failed;

    PartlySentException(String topic, List<UUID> sent, Map<UUID, Throwable> failed) {
        super(failed.size() + " of " + (sent.size() + failed.size()) + " message(s) on topic '" + topic
                + "' were not sent and stay outstanding in the outbox " + failed.keySet() + "; the other "
                + sent.size() + " were sent and marked dispatched. First failure: "
                + failed.values().iterator().next().getMessage(), failed.values().iterator().next());
        this.sent = List.copyOf(sent);
        this.failed = Map.copyOf(failed);
    }

    /** Each message that was not sent, with why. */
    public Map<UUID, Throwable> failed() {
        return failed;
    }

    /** The ids that were sent and marked dispatched. */
    public List<UUID> sent() {
        return sent;
    }
}
