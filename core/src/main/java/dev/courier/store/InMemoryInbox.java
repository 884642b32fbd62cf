package dev.courier.store;

import dev.courier.spi.Inbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An inbox in a concurrent map, for tests and single-process use. Entries older than the retention are removed
 * as new ones are added, so memory stays bounded by the rate of messages times the retention.
 */
public final class InMemoryInbox implements Inbox {
    private record Key(UUID messageId, String handlerKey) {}

    private final Map<Key, Instant> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration retention;
    private volatile Instant nextExpiry;

    public InMemoryInbox() {
        this(Clock.systemUTC(), Duration.ofDays(1));
    }

    public InMemoryInbox(Clock clock, Duration retention) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive but was " + retention);
        }
        this.nextExpiry = clock.instant().plus(retention);
    }

    @Override
    public boolean contains(UUID messageId, String handlerKey) {
        Instant at = entries.get(new Key(messageId, handlerKey));
        return at != null && at.plus(retention).isAfter(clock.instant());
    }

    @Override
    public boolean add(UUID messageId, String handlerKey) {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(handlerKey, "handlerKey");
        Instant now = clock.instant();
        expire(now);
        return entries.putIfAbsent(new Key(messageId, handlerKey), now) == null;
    }

    public int size() {
        return entries.size();
    }

    private void expire(Instant now) {
        if (now.isBefore(nextExpiry)) {
            return;
        }
        nextExpiry = now.plus(retention);
        Instant cutoff = now.minus(retention);
        entries.values().removeIf(at -> !at.isAfter(cutoff));
    }
}
