package dev.courier.spi;

import dev.courier.message.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores every posted message until the broker has confirmed it, and afterwards for a retention period so that it
 * can be reposted. Implementations are thread-safe and safe to share between processes where their storage is.
 */
public interface Outbox {

    /**
     * Stores messages as outstanding, inside {@code transaction} when one is given (the caller's own database
     * transaction, in a form the implementation documents), or in a transaction of its own otherwise.
     *
     * @throws dev.courier.OutboxException when the messages cannot be stored, or the outbox is full
     */
    void add(Collection<Message> messages, OutboxTransaction transaction);

    Optional<Message> get(UUID messageId);

    /**
     * Claims up to {@code limit} outstanding messages created at or before {@code createdBefore}, oldest first, and
     * leases them for {@code lease}: until the lease ends no other caller claims them. Several sweepers may call this
     * at once; each message goes to one of them.
     */
    List<Message> claimOutstanding(Instant createdBefore, int limit, Duration lease);

    /** Marks messages as dispatched (sent and confirmed) at {@code at}; unknown ids are ignored. */
    void markDispatched(Collection<UUID> messageIds, Instant at);

    /** How many messages are outstanding. */
    long outstandingCount();

    /** Deletes dispatched messages dispatched before {@code cutoff}; returns how many. */
    int deleteDispatchedBefore(Instant cutoff);
}
