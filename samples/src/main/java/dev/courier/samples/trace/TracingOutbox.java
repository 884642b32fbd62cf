package dev.courier.samples.trace;

import dev.courier.message.Message;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** An {@link Outbox} that reports what is stored, claimed and marked dispatched to a {@link Trace}. */
public final class TracingOutbox implements Outbox {
    private final Outbox delegate;
    private final Trace trace;

    public TracingOutbox(Outbox delegate, Trace trace) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.trace = Objects.requireNonNull(trace, "trace");
    }

    @Override
    public void add(Collection<Message> messages, OutboxTransaction transaction) {
        delegate.add(messages, transaction);
        for (Message message : messages) {
            trace.event(message, "posted: stored in the outbox, in the transaction that writes the task's row");
        }
    }

    @Override
    public Optional<Message> get(UUID messageId) {
        return delegate.get(messageId);
    }

    @Override
    public List<Message> claimOutstanding(Instant createdBefore, int limit, Duration lease) {
        List<Message> claimed = delegate.claimOutstanding(createdBefore, limit, lease);
        claimed.forEach(m -> trace.event(m, "claimed by the outbox sweeper (it was not sent at once)"));
        return claimed;
    }

    @Override
    public void markDispatched(Collection<UUID> messageIds, Instant at) {
        delegate.markDispatched(messageIds, at);
        messageIds.forEach(id -> trace.event(id, "marked dispatched in the outbox"));
    }

    @Override
    public long outstandingCount() {
        return delegate.outstandingCount();
    }

    @Override
    public int deleteDispatchedBefore(Instant cutoff) {
        return delegate.deleteDispatchedBefore(cutoff);
    }
}
