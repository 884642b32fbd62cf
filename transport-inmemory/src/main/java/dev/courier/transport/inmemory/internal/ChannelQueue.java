package dev.courier.transport.inmemory.internal;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.transport.inmemory.ChannelStats;
import dev.courier.transport.inmemory.DeadLetter;
import dev.courier.transport.inmemory.InMemoryBrokerException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel: a FIFO of ready messages, the delayed ones ordered by due time, the ones in flight by delivery tag,
 * and the dead letters. One lock guards it all; one condition wakes receivers and test-support waiters whenever
 * something changes (a message arrives or is settled, a reader closes, the manual clock moves). Settled messages
 * are dropped at once; dead letters are kept up to a limit, oldest dropped first.
 */
public final class ChannelQueue {
    private static final Logger log = LoggerFactory.getLogger(ChannelQueue.class);
    private static final Comparator<Entry> BY_DUE_TIME =
            Comparator.comparing((Entry e) -> e.dueAt).thenComparingLong(e -> e.sequence);
    private static final Duration LONGEST = Duration.ofNanos(1L << 62);

    private final String name;
    private final String topic;
    private final Clock clock;
    private final int deadLetterLimit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    private final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_DUE_TIME);
    private final Map<Long, Entry> inFlight = new HashMap<>();
    private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();
    private long nextSequence;
    private long nextTag;
    private long acknowledged;
    private long deadLettered;

    public ChannelQueue(String name, String topic, Clock clock, int deadLetterLimit) {
        this.name = name;
        this.topic = topic;
        this.clock = clock;
        this.deadLetterLimit = deadLetterLimit;
    }

    public String name() {
        return name;
    }

    public String topic() {
        return topic;
    }

    /** Adds a copy of {@code message}, due after its header's delay, with the handled count at zero. */
    public void enqueue(Message message) {
        lock.lock();
        try {
            Duration delay = message.header().delay();
            Entry entry = new Entry(message, nextSequence++, clock.instant().plus(delay));
            if (delay.isZero()) {
                ready.addLast(entry);
            } else {
                delayed.add(entry);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A new reader (one consumer's view) that holds at most {@code prefetch} unsettled messages. */
    public Reader openReader(int prefetch) {
        return new Reader(prefetch);
    }

    /**
     * Waits up to {@code timeout} (real time) for a due message the reader may take, and hands it over with a
     * receipt. Returns null on timeout, when the reader is closed meanwhile, or when the thread is interrupted (the
     * interrupt flag stays set).
     */
    public Message take(Reader reader, Duration timeout) {
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        lock.lock();
        try {
            if (reader.closed) {
                throw new InMemoryBrokerException("The consumer of channel '" + name + "' is closed");
            }
            while (true) {
                promoteDue();
                if (!reader.closed && reader.unsettled < reader.prefetch && !ready.isEmpty()) {
                    return handOver(ready.pollFirst(), reader);
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || reader.closed) {
                    return null;
                }
                if (!delayed.isEmpty()) {
                    remaining = Math.min(remaining, nanosUntil(delayed.peek().dueAt));
                }
                changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the message: it is done. */
    public void acknowledge(Reader reader, long tag) {
        lock.lock();
        try {
            settle(reader, tag, "acknowledge");
            acknowledged++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Puts the message back, due after {@code delay}, with its handled count one higher. */
    public void requeue(Reader reader, long tag, Duration delay) {
        lock.lock();
        try {
            Entry entry = settle(reader, tag, "requeue");
            entry.handledCount++;
            if (delay.isZero()) {
                ready.addLast(entry);
            } else {
                entry.dueAt = clock.instant().plus(delay);
                delayed.add(entry);
            }
            log.debug("Requeued message {} on topic {} (channel {}) with delay {}, handled count now {}",
                    entry.message.id(), topic, name, delay, entry.handledCount);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Moves the message to the dead letters with the reason's headers added to its bag. */
    public void reject(Reader reader, long tag, DeadLetterReason reason) {
        lock.lock();
        try {
            Entry entry = settle(reader, tag, "reject");
            Message delivered = entry.delivered();
            Map<String, String> bag = new LinkedHashMap<>(delivered.header().bag());
            bag.putAll(reason.asHeaders());
            Message dead = delivered.withHeader(delivered.header().toBuilder().bag(bag).build());
            deadLetters.addLast(new DeadLetter(dead, reason));
            deadLettered++;
            if (deadLetters.size() > deadLetterLimit) {
                DeadLetter dropped = deadLetters.pollFirst();
                log.warn("Channel {} keeps at most {} dead letters: dropped message {} of topic {}", name,
                        deadLetterLimit, dropped.message().id(), topic);
            }
            log.debug("Dead-lettered message {} on topic {} (channel {}): {}", entry.message.id(), topic, name,
                    reason.reason());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the reader: its unsettled messages go back to the front of the channel, in their original order. */
    public void close(Reader reader) {
        lock.lock();
        try {
            if (reader.closed) {
                return;
            }
            reader.closed = true;
            List<Entry> returned = new ArrayList<>();
            inFlight.values().removeIf(entry -> entry.owner == reader && returned.add(entry));
            returned.sort(Comparator.comparingLong((Entry e) -> e.sequence).reversed());
            for (Entry entry : returned) {
                entry.owner = null;
                ready.addFirst(entry);
            }
            reader.unsettled = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter so that it looks again (the clock moved). */
    public void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} until at least {@code count} messages were acknowledged; false on timeout. */
    public boolean awaitAcknowledged(long count, Duration timeout) {
        return awaitAtLeast(count, timeout, () -> acknowledged);
    }

    /** Waits up to {@code timeout} until at least {@code count} messages were dead-lettered; false on timeout. */
    public boolean awaitDeadLettered(long count, Duration timeout) {
        return awaitAtLeast(count, timeout, () -> deadLettered);
    }

    public ChannelStats stats() {
        lock.lock();
        try {
            promoteDue();
            return new ChannelStats(name, topic, ready.size(), delayed.size(), inFlight.size(), acknowledged,
                    deadLettered);
        } finally {
            lock.unlock();
        }
    }

    /** The dead letters still kept, oldest first. */
    public List<DeadLetter> deadLetters() {
        lock.lock();
        try {
            return List.copyOf(deadLetters);
        } finally {
            lock.unlock();
        }
    }

    private boolean awaitAtLeast(long count, Duration timeout, LongSupplier counter) {
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        lock.lock();
        try {
            while (counter.getAsLong() < count) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                changed.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private Message handOver(Entry entry, Reader reader) {
        entry.tag = ++nextTag;
        entry.owner = reader;
        inFlight.put(entry.tag, entry);
        reader.unsettled++;
        return entry.delivered().withReceipt(new Receipt(this, entry.tag));
    }

    private Entry settle(Reader reader, long tag, String action) {
        Entry entry = inFlight.get(tag);
        if (entry == null || entry.owner != reader) {
            throw new InMemoryBrokerException("Cannot " + action + " delivery " + tag + " on channel '" + name
                    + "': it is not unsettled on this consumer (already settled, received by another consumer, or "
                    + "returned to the channel when the consumer closed)");
        }
        inFlight.remove(tag);
        entry.owner = null;
        reader.unsettled--;
        return entry;
    }

    private void promoteDue() {
        if (delayed.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        while (!delayed.isEmpty() && !delayed.peek().dueAt.isAfter(now)) {
            ready.addLast(delayed.poll());
        }
    }

    private long nanosUntil(Instant dueAt) {
        return Math.max(1, saturatedNanos(Duration.between(clock.instant(), dueAt)));
    }

    /** Nanoseconds in {@code duration}, at least 0 and at most 2^62, so deadline arithmetic cannot overflow. */
    private static long saturatedNanos(Duration duration) {
        if (duration.isNegative()) {
            return 0;
        }
        return duration.compareTo(LONGEST) > 0 ? LONGEST.toNanos() : duration.toNanos();
    }

    /** One consumer's view of the channel: how many messages it holds unsettled, and whether it is closed. */
    public static final class Reader {
        private final int prefetch;
        private int unsettled;
        private boolean closed;

        private Reader(int prefetch) {
            this.prefetch = prefetch;
        }
    }

    @Override
    public String toString() {
        return "ChannelQueue[" + name + " on " + topic + "]";
    }
}
