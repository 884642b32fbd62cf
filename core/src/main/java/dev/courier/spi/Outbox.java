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

    /**
     * Asked right after {@code add(messages, OutboxTransaction.NONE)}, on the same thread: did that add write into a
     * transaction that is still open (one the outbox joined, such as a framework's transaction on this thread)
     * rather than one of its own that has committed? If so, the caller must not send the messages now (after a
     * rollback the broker would hold a message whose row never existed, and after a commit the row would be sent
     * again): the outbox runs {@code send} once that transaction has committed, never after a rollback, or, where it
     * cannot learn of the commit, leaves the messages to the sweeper; either way it returns true. The default, for
     * an outbox that always commits on its own, returns false.
     */
    default boolean deferUntilCommit(Runnable send) {
        return false;
    }

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

    /**
     * When the oldest outstanding message that is not parked was stored: how far behind sending is (a health check
     * and a gauge compare its age with a threshold). Empty when none is outstanding, and by default, for an outbox
     * that cannot tell.
     */
    default Optional<Instant> oldestOutstanding() {
        return Optional.empty();
    }

    /** Deletes dispatched messages dispatched before {@code cutoff}; returns how many. */
    int deleteDispatchedBefore(Instant cutoff);

    /**
     * Counts a send of an outstanding message that the broker refused for the message itself (too large,
     * unroutable: a {@code MessageRefusedException}), with its reason; once it has been refused {@code parkAfter}
     * times, parks it: {@link #claimOutstanding} no longer returns it, and {@link #parked} does. Returns true when
     * this call parked it. A dispatched or unknown id is ignored. The default keeps no count and never parks.
     */
    default boolean recordRefusal(UUID messageId, String reason, Instant at, int parkAfter) {
        return false;
    }

    /** Up to {@code limit} parked messages, the longest parked first; reposting one sends and dispatches it. */
    default List<ParkedMessage> parked(int limit) {
        return List.of();
    }

    /**
     * The stored messages in {@code query}'s state that pass its filters, in {@link OutboxEntry#ORDER} (creation
     * time, then id), at most its limit, after its cursor: ask for the next page with {@code query.nextPage(last)};
     * a page shorter than the limit is the last. It reads without locking or changing anything, so a message that
     * changes state while someone pages may be missed, or seen again in its new state.
     *
     * @throws UnsupportedOperationException by default, for an outbox that cannot list what it holds
     */
    default List<OutboxEntry> query(OutboxQuery query) {
        throw unsupported("queries");
    }

    /**
     * How many messages it holds in each state, and when the oldest outstanding one was stored.
     *
     * @throws UnsupportedOperationException by default, for an outbox that cannot count what it holds
     */
    default OutboxStats stats() {
        throw unsupported("stats");
    }

    /**
     * Reposts through the sweeper: every dispatched or parked message among {@code messageIds} becomes outstanding
     * again, keeping its creation time, with its dispatch time, refusal count, last refusal, parking and any lease
     * cleared, so that the next {@link #claimOutstanding} returns it. Unknown ids are ignored, and so are messages
     * that are outstanding already (they keep their lease and refusals). The bound on outstanding messages is not
     * checked: the messages are stored already. Returns how many messages became outstanding.
     *
     * @throws UnsupportedOperationException by default, for an outbox that cannot repost through the sweeper
     */
    default int markOutstanding(Collection<UUID> messageIds) {
        throw unsupported("markOutstanding (repost through the sweeper)");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(getClass().getName() + " does not support " + what);
    }
}
