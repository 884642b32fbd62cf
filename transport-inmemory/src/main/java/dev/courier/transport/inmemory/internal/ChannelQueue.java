package dev.courier.transport.inmemory.internal;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.transport.inmemory.ChannelStats;
import dev.courier.transport.inmemory.DeadLetter;
import dev.courier.transport.inmemory.InMemoryBrokerException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel: a FIFO of ready messages, the delayed ones ordered by due time, the ones in flight by delivery tag,
 * and the dead letters. One lock guards it all but the two busiest steps, which take it only when someone waits: a
 * sender adding a message that is due now, and a receiver acknowledging one (so a sender never parks behind a busy
 * receiver, which is what a post through this transport used to spend its time on). One condition wakes receivers
 * and test-support waiters whenever something changes (a message arrives or is settled, a reader closes, the manual
 * clock moves). Settled messages are dropped at once; dead letters are kept up to a limit, oldest dropped first.
 */
public final class ChannelQueue {
    private static final Logger log = LoggerFactory.getLogger(ChannelQueue.class);

    private final String name;
    private final String topic;
    private final Clock clock;
    private final ChannelLock lock = new ChannelLock();
    /** Due messages, oldest first. Senders add without the lock; everything else reads and writes it under it. */
    private final ConcurrentLinkedDeque<Entry> ready = new ConcurrentLinkedDeque<>();
    private final DelayedEntries delayed;
    /** The open readers, each with the entries it was handed (see {@link Reader}). */
    private final List<Reader> readers = new ArrayList<>();
    private final DeadLetterShelf deadLetters;
    private final AtomicLong nextSequence = new AtomicLong();
    private long nextTag;
    private final AtomicLong acknowledged = new AtomicLong();

    public ChannelQueue(String name, String topic, Clock clock, int deadLetterLimit) {
        this.name = name;
        this.topic = topic;
        this.clock = clock;
        this.delayed = new DelayedEntries(clock);
        this.deadLetters = new DeadLetterShelf(name, topic, deadLetterLimit);
    }

    public String name() {
        return name;
    }

    public String topic() {
        return topic;
    }

    /** Adds a copy of {@code message}, due after its header's delay, with the handled count at zero. */
    public void enqueue(Message message) {
        Duration delay = message.header().delay();
        Entry entry = new Entry(message, nextSequence.getAndIncrement(), clock.instant().plus(delay));
        if (delay.isZero()) {
            // No lock: a sender never waits for a receiver that holds it. A receiver about to park arms the
            // flag and then looks at the ready queue once more, so either it sees this entry or this sees the flag;
            // the one sender that takes the flag wakes it, and the rest of a burst need not.
            ready.offerLast(entry);
            if (!lock.disarm()) {
                return;
            }
        }
        lock.lock();
        try {
            if (!delay.isZero()) {
                delayed.add(entry);
            }
            lock.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A new reader (one consumer's view) that holds at most {@code prefetch} unsettled messages. */
    public Reader openReader(int prefetch) {
        Reader reader = new Reader(prefetch);
        lock.lock();
        try {
            readers.add(reader);
        } finally {
            lock.unlock();
        }
        return reader;
    }

    /**
     * Waits up to {@code timeout} (real time) for a due message the reader may take, and hands it over with a
     * receipt. Returns null on timeout, when the reader is closed meanwhile, or when the thread is interrupted (the
     * interrupt flag stays set).
     */
    public Message take(Reader reader, Duration timeout) {
        return take(reader, timeout, null, 1);
    }

    /**
     * {@link #take(Reader, Duration)} that hands over up to {@code max} due messages at once, within the reader's
     * prefetch: the first is returned, the others are appended to {@code more}, in channel order. They are all
     * unsettled on the reader from then on, as a broker's prefetched deliveries are; closing the reader returns them.
     */
    public Message take(Reader reader, Duration timeout, Deque<Message> more, int max) {
        long deadline = ChannelLock.deadline(timeout);
        lock.lock();
        lock.enterWait(); // before anything is checked: an arrival or acknowledgement that comes after this wakes us
        try {
            if (reader.closed) {
                throw new InMemoryBrokerException("The consumer of channel '" + name + "' is closed");
            }
            while (true) {
                delayed.promoteDue(ready);
                if (!reader.closed && reader.unsettled.get() < reader.prefetch && !ready.isEmpty()) {
                    Message first = handOver(ready.pollFirst(), reader);
                    for (int i = 1; i < max && reader.unsettled.get() < reader.prefetch && !ready.isEmpty(); i++) {
                        more.addLast(handOver(ready.pollFirst(), reader));
                    }
                    return first;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || reader.closed) {
                    return null;
                }
                if (!delayed.isEmpty()) {
                    remaining = Math.min(remaining, delayed.nanosUntilNext());
                }
                lock.arm();
                if (!ready.isEmpty() && reader.unsettled.get() < reader.prefetch) {
                    continue; // arrived between the look above and the arming
                }
                lock.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.leaveWait();
            lock.unlock();
        }
    }

    /**
     * Forgets the message: it is done. Takes no lock unless someone waits (a receiver, perhaps held back by its
     * prefetch, or a test-support wait), so a busy pump's acknowledgements do not contend with the senders.
     */
    public void acknowledge(Reader reader, Receipt receipt) {
        settle(reader, receipt, "acknowledge");
        acknowledged.incrementAndGet();
        lock.wakeIfWaiting();
    }

    /** Puts the message back, due after {@code delay}, with its handled count one higher. */
    public void requeue(Reader reader, Receipt receipt, Duration delay) {
        lock.lock();
        try {
            Instant dueAt = delay.isZero() ? null : clock.instant().plus(delay); // may throw: before it is settled
            Entry entry = settle(reader, receipt, "requeue");
            entry.handledCount++;
            if (dueAt == null) {
                ready.addLast(entry);
            } else {
                entry.dueAt = dueAt;
                delayed.add(entry);
            }
            log.debug("Requeued message {} on topic {} (channel {}) with delay {}, handled count now {}",
                    entry.message.id(), topic, name, delay, entry.handledCount);
            lock.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Moves the message to the dead letters with the reason's headers added to its bag. */
    public void reject(Reader reader, Receipt receipt, DeadLetterReason reason) {
        lock.lock();
        try {
            // The dead letter is made before the entry is settled: if it cannot be, the message stays in flight.
            Message dead = DeadLetterShelf.withReason(receipt.entry.delivered(), reason);
            Entry entry = settle(reader, receipt, "reject");
            deadLetters.add(dead, reason);
            log.debug("Dead-lettered message {} on topic {} (channel {}): {}", entry.message.id(), topic, name,
                    reason.reason());
            lock.signalAll();
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
            readers.remove(reader);
            for (Entry entry : reader.takeBack()) {
                ready.addFirst(entry);
            }
            reader.unsettled.set(0);
            lock.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter so that it looks again (the clock moved). */
    public void wake() {
        lock.wake();
    }

    /** Waits up to {@code timeout} until at least {@code count} messages were acknowledged; false on timeout. */
    public boolean awaitAcknowledged(long count, Duration timeout) {
        return lock.awaitAtLeast(count, timeout, acknowledged::get);
    }

    /** Waits up to {@code timeout} until at least {@code count} messages were dead-lettered; false on timeout. */
    public boolean awaitDeadLettered(long count, Duration timeout) {
        return lock.awaitAtLeast(count, timeout, deadLetters::count);
    }

    public ChannelStats stats() {
        lock.lock();
        try {
            delayed.promoteDue(ready);
            int inFlight = readers.stream().mapToInt(r -> r.unsettled.get()).sum();
            return new ChannelStats(name, topic, ready.size(), delayed.size(), inFlight, acknowledged.get(),
                    deadLetters.count());
        } finally {
            lock.unlock();
        }
    }

    /** The dead letters still kept, oldest first. */
    public List<DeadLetter> deadLetters() {
        return deadLetters.list();
    }

    /** The channel's dead letters, for an operator's browse. */
    public DeadLetterShelf deadLetterShelf() {
        return deadLetters;
    }

    private Message handOver(Entry entry, Reader reader) {
        long tag = ++nextTag;
        reader.hold(entry, tag);
        return entry.delivered().withReceipt(new Receipt(this, tag, entry));
    }

    /**
     * Takes the message back from the reader; safe without the lock: of two settles of one delivery, or a settle and
     * the reader's close, the compare-and-set lets exactly one through.
     */
    private Entry settle(Reader reader, Receipt receipt, String action) {
        Entry entry = receipt.entry;
        if (entry.tag != receipt.tag() || !entry.release(reader)) {
            throw new InMemoryBrokerException("Cannot " + action + " delivery " + receipt.tag() + " on channel '"
                    + name + "': it is not unsettled on this consumer (already settled, received by another consumer, "
                    + "or returned to the channel when the consumer closed)");
        }
        reader.unsettled.decrementAndGet();
        return entry;
    }

    @Override
    public String toString() {
        return "ChannelQueue[" + name + " on " + topic + "]";
    }
}
