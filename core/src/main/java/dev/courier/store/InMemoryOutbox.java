package dev.courier.store;

import dev.courier.OutboxException;
import dev.courier.message.Message;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxEntry;
import dev.courier.spi.OutboxQuery;
import dev.courier.spi.OutboxState;
import dev.courier.spi.OutboxStats;
import dev.courier.spi.OutboxTransaction;
import dev.courier.spi.ParkedMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An outbox in memory, for tests and for processes that accept losing outstanding messages when they stop. It
 * ignores the transaction it is given (there is nothing to join). Both kinds of message it holds are bounded, so
 * neither a broker outage nor a long-running producer can exhaust the heap: an add that would exceed the bound on
 * outstanding messages fails with an {@link OutboxException}; and of the dispatched messages (kept so that they can
 * be reposted) it keeps only the most recently dispatched {@code maxDispatched}, dropping the oldest first.
 * {@link #deleteDispatchedBefore} deletes dispatched messages sooner, by age.
 */
public final class InMemoryOutbox implements Outbox {
    /** The bound {@link #InMemoryOutbox()} uses. */
    public static final int DEFAULT_MAX_OUTSTANDING = 100_000;
    /** How many dispatched messages {@link #InMemoryOutbox()} keeps for repost. */
    public static final int DEFAULT_MAX_DISPATCHED = 10_000;

    private static final class Entry {
        final Message message;
        final Instant createdAt;
        /** The order it was added in: a message made outstanding again goes back to its place. */
        final long seq;
        Instant leaseUntil;
        Instant dispatchedAt;
        int refusals;
        String reason;
        Instant parkedAt;

        Entry(Message message, Instant createdAt, long seq) {
            this.message = message;
            this.createdAt = createdAt;
            this.seq = seq;
        }

        OutboxEntry view() {
            OutboxState state = dispatchedAt != null ? OutboxState.DISPATCHED
                    : parkedAt != null ? OutboxState.PARKED : OutboxState.OUTSTANDING;
            return new OutboxEntry(message, state, createdAt, dispatchedAt, refusals, reason);
        }
    }

    private final Clock clock;
    private final int maxOutstanding;
    private final int maxDispatched;
    /** Outstanding entries in the order they were added, which is oldest first. */
    private final LinkedHashMap<UUID, Entry> outstanding = new LinkedHashMap<>();
    /** Dispatched entries in the order they were marked, which is oldest dispatch first. */
    private final LinkedHashMap<UUID, Entry> dispatched = new LinkedHashMap<>();
    private long added;

    public InMemoryOutbox() {
        this(Clock.systemUTC(), DEFAULT_MAX_OUTSTANDING);
    }

    /** Keeps the default {@value #DEFAULT_MAX_DISPATCHED} dispatched messages. */
    public InMemoryOutbox(Clock clock, int maxOutstanding) {
        this(clock, maxOutstanding, DEFAULT_MAX_DISPATCHED);
    }

    /**
     * @param clock          the time messages are created, leased and dispatched at
     * @param maxOutstanding how many outstanding messages it holds at most; must be positive
     * @param maxDispatched  how many dispatched messages it keeps for repost, the most recently dispatched; zero keeps
     *                       none, must not be negative
     */
    public InMemoryOutbox(Clock clock, int maxOutstanding, int maxDispatched) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxOutstanding <= 0) {
            throw new IllegalArgumentException("maxOutstanding must be positive but was " + maxOutstanding);
        }
        if (maxDispatched < 0) {
            throw new IllegalArgumentException("maxDispatched must not be negative but was " + maxDispatched);
        }
        this.maxOutstanding = maxOutstanding;
        this.maxDispatched = maxDispatched;
    }

    @Override
    public synchronized void add(Collection<Message> messages, OutboxTransaction transaction) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(transaction, "transaction");
        if (messages.size() == 1) {
            addOne(messages.iterator().next());
            return;
        }
        Map<UUID, Message> fresh = new LinkedHashMap<>();
        for (Message message : messages) {
            if (holds(message.id()) || fresh.putIfAbsent(message.id(), message) != null) {
                throw new OutboxException("message " + message.id() + " (topic " + message.topic()
                        + ") is already in the outbox");
            }
        }
        if (outstanding.size() + fresh.size() > maxOutstanding) {
            throw new OutboxException("outbox full: " + outstanding.size() + " outstanding, limit " + maxOutstanding
                    + " (adding " + fresh.size() + ")");
        }
        Instant now = clock.instant();
        for (Message message : fresh.values()) {
            outstanding.put(message.id(), new Entry(message, now, added++));
        }
    }

    @Override
    public synchronized Optional<Message> get(UUID messageId) {
        Entry entry = outstanding.get(Objects.requireNonNull(messageId, "messageId"));
        if (entry == null) {
            entry = dispatched.get(messageId);
        }
        return entry == null ? Optional.empty() : Optional.of(entry.message);
    }

    @Override
    public synchronized List<Message> claimOutstanding(Instant createdBefore, int limit, Duration lease) {
        Objects.requireNonNull(createdBefore, "createdBefore");
        Objects.requireNonNull(lease, "lease");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive but was " + limit);
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive but was " + lease);
        }
        Instant now = clock.instant();
        List<Message> claimed = new ArrayList<>(Math.min(limit, outstanding.size()));
        for (Entry entry : outstanding.values()) {
            if (claimed.size() == limit) {
                break;
            }
            boolean free = entry.parkedAt == null && (entry.leaseUntil == null || !entry.leaseUntil.isAfter(now));
            if (free && !entry.createdAt.isAfter(createdBefore)) {
                entry.leaseUntil = now.plus(lease);
                claimed.add(entry.message);
            }
        }
        return claimed;
    }

    @Override
    public synchronized void markDispatched(Collection<UUID> messageIds, Instant at) {
        Objects.requireNonNull(messageIds, "messageIds");
        Objects.requireNonNull(at, "at");
        for (UUID id : messageIds) {
            Entry entry = outstanding.remove(id);
            if (entry != null) {
                entry.dispatchedAt = at;
                entry.leaseUntil = null;
                dispatched.put(id, entry);
            }
        }
        if (dispatched.size() > maxDispatched) {
            Iterator<Entry> oldestFirst = dispatched.values().iterator();
            for (int excess = dispatched.size() - maxDispatched; excess > 0; excess--) {
                oldestFirst.next();
                oldestFirst.remove();
            }
        }
    }

    /** How many dispatched messages it holds. */
    public synchronized int dispatchedCount() {
        return dispatched.size();
    }

    @Override
    public synchronized long outstandingCount() {
        return outstanding.size();
    }

    @Override
    public synchronized Optional<Instant> oldestOutstanding() {
        return outstanding.values().stream().filter(e -> e.parkedAt == null).map(e -> e.createdAt)
                .min(Instant::compareTo);
    }

    @Override
    public synchronized int deleteDispatchedBefore(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        int before = dispatched.size();
        dispatched.values().removeIf(e -> e.dispatchedAt.isBefore(cutoff));
        return before - dispatched.size();
    }

    @Override
    public synchronized boolean recordRefusal(UUID messageId, String reason, Instant at, int parkAfter) {
        Entry entry = outstanding.get(Objects.requireNonNull(messageId, "messageId"));
        if (entry == null || entry.parkedAt != null) {
            return false;
        }
        entry.refusals++;
        entry.reason = String.valueOf(reason);
        if (entry.refusals >= parkAfter) {
            entry.parkedAt = Objects.requireNonNull(at, "at");
            return true;
        }
        return false;
    }

    @Override
    public synchronized List<ParkedMessage> parked(int limit) {
        return outstanding.values().stream().filter(e -> e.parkedAt != null)
                .sorted(Comparator.comparing((Entry e) -> e.parkedAt)).limit(limit)
                .map(e -> new ParkedMessage(e.message, e.refusals, e.reason, e.parkedAt)).toList();
    }

    @Override
    public synchronized List<OutboxEntry> query(OutboxQuery query) {
        Objects.requireNonNull(query, "query");
        return (query.state() == OutboxState.DISPATCHED ? dispatched : outstanding).values().stream()
                .map(Entry::view).filter(query::matches).sorted(OutboxEntry.ORDER).limit(query.limit()).toList();
    }

    @Override
    public synchronized OutboxStats stats() {
        long parked = outstanding.values().stream().filter(e -> e.parkedAt != null).count();
        return new OutboxStats(outstanding.size() - parked, parked, dispatched.size(), oldestOutstanding());
    }

    /** {@inheritDoc} The messages are held already, as dispatched or parked ones, so the bound is not checked. */
    @Override
    public synchronized int markOutstanding(Collection<UUID> messageIds) {
        int changed = 0;
        boolean undispatched = false;
        for (UUID id : List.copyOf(Objects.requireNonNull(messageIds, "messageIds"))) {
            Entry entry = dispatched.remove(id);
            if (entry != null) {
                outstanding.put(id, entry);
                undispatched = true;
            } else if ((entry = outstanding.get(id)) == null || entry.parkedAt == null) {
                continue;
            }
            entry.dispatchedAt = null;
            entry.leaseUntil = null;
            entry.refusals = 0;
            entry.reason = null;
            entry.parkedAt = null;
            changed++;
        }
        if (undispatched) {     // back to the order they were added in, which claims follow
            List<Entry> inOrder = new ArrayList<>(outstanding.values());
            inOrder.sort(Comparator.comparingLong((Entry e) -> e.seq));
            outstanding.clear();
            inOrder.forEach(e -> outstanding.put(e.message.id(), e));
        }
        return changed;
    }

    private void addOne(Message message) {
        if (holds(message.id())) {
            throw new OutboxException("message " + message.id() + " (topic " + message.topic()
                    + ") is already in the outbox");
        }
        if (outstanding.size() >= maxOutstanding) {
            throw new OutboxException("outbox full: " + outstanding.size() + " outstanding, limit " + maxOutstanding
                    + " (adding 1)");
        }
        outstanding.put(message.id(), new Entry(message, clock.instant(), added++));
    }

    private boolean holds(UUID id) {
        return outstanding.containsKey(id) || dispatched.containsKey(id);
    }

    @Override
    public String toString() {
        return "InMemoryOutbox[maxOutstanding=" + maxOutstanding + ", maxDispatched=" + maxDispatched + "]";
    }
}
