package dev.courier.transport.inmemory.internal;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.transport.inmemory.ChannelStats;
import dev.courier.transport.inmemory.DeadLetter;
import dev.courier.transport.inmemory.InMemoryBrokerException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
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
    private static final Comparator<Entry> BY_DUE_TIME =
            Comparator.comparing((Entry e) -> e.dueAt).thenComparingLong(e -> e.sequence);
    private static final Duration LONGEST = Duration.ofNanos(1L << 62);

    private final String name;
    private final String topic;
    private final Clock clock;
    private final int deadLetterLimit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Due messages, oldest first. Senders add without the lock; everything else reads and writes it under it. */
    private final ConcurrentLinkedDeque<Entry> ready = new ConcurrentLinkedDeque<>();
    private final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_DUE_TIME);
    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(Entry.class, "owner", Reader.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The open readers, each with the entries it was handed (see {@link Reader}). */
    private final List<Reader> readers = new ArrayList<>();
    private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();
    private final AtomicLong nextSequence = new AtomicLong();
    private long nextTag;
    private final AtomicLong acknowledged = new AtomicLong();
    /** Threads inside {@link #take} or a test-support wait; written under the lock, read by acknowledgements. */
    private volatile int waiters;
    /** Set by a receiver about to park for lack of ready messages; taken by the sender that then wakes it. */
    private final AtomicBoolean armed = new AtomicBoolean();
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
        Duration delay = message.header().delay();
        Entry entry = new Entry(message, nextSequence.getAndIncrement(), clock.instant().plus(delay));
        if (delay.isZero()) {
            // No lock: a sender never waits for a receiver that holds it. A receiver about to park arms the
            // flag and then looks at the ready queue once more, so either it sees this entry or this sees the flag;
            // the one sender that takes the flag wakes it, and the rest of a burst need not.
            ready.offerLast(entry);
            if (!armed.get() || !armed.getAndSet(false)) {
                return;
            }
        }
        lock.lock();
        try {
            if (!delay.isZero()) {
                delayed.add(entry);
            }
            changed.signalAll();
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
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        lock.lock();
        waiters++; // before anything is checked: an arrival or acknowledgement that comes after this wakes us
        try {
            if (reader.closed) {
                throw new InMemoryBrokerException("The consumer of channel '" + name + "' is closed");
            }
            while (true) {
                promoteDue();
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
                    remaining = Math.min(remaining, nanosUntil(delayed.peek().dueAt));
                }
                armed.set(true);
                if (!ready.isEmpty() && reader.unsettled.get() < reader.prefetch) {
                    continue; // arrived between the look above and the arming
                }
                changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            waiters--;
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
        if (waiters > 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
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
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Moves the message to the dead letters with the reason's headers added to its bag. */
    public void reject(Reader reader, Receipt receipt, DeadLetterReason reason) {
        lock.lock();
        try {
            // The dead letter is made before the entry is settled: if it cannot be, the message stays in flight.
            Message delivered = receipt.entry.delivered();
            Map<String, String> bag = new LinkedHashMap<>(delivered.header().bag());
            bag.putAll(reason.asHeaders());
            Message dead = delivered.withHeader(delivered.header().toBuilder().bag(bag).build());
            Entry entry = settle(reader, receipt, "reject");
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
            readers.remove(reader);
            List<Entry> returned = new ArrayList<>();
            for (Entry entry : reader.handed) {
                if (OWNER.compareAndSet(entry, reader, null)) { // not settled meanwhile (nor listed twice)
                    returned.add(entry);
                }
            }
            reader.handed.clear();
            returned.sort(Comparator.comparingLong((Entry e) -> e.sequence).reversed());
            for (Entry entry : returned) {
                ready.addFirst(entry);
            }
            reader.unsettled.set(0);
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
        return awaitAtLeast(count, timeout, acknowledged::get);
    }

    /** Waits up to {@code timeout} until at least {@code count} messages were dead-lettered; false on timeout. */
    public boolean awaitDeadLettered(long count, Duration timeout) {
        return awaitAtLeast(count, timeout, () -> deadLettered);
    }

    public ChannelStats stats() {
        lock.lock();
        try {
            promoteDue();
            int inFlight = readers.stream().mapToInt(r -> r.unsettled.get()).sum();
            return new ChannelStats(name, topic, ready.size(), delayed.size(), inFlight, acknowledged.get(),
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
        waiters++;
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
            waiters--;
            lock.unlock();
        }
    }

    private Message handOver(Entry entry, Reader reader) {
        long tag = ++nextTag;
        reader.handed(entry); // before it is owned again: an earlier delivery of it to this reader is pruned
        entry.tag = tag;
        entry.owner = reader;
        reader.unsettled.incrementAndGet();
        return entry.delivered().withReceipt(new Receipt(this, tag, entry));
    }

    /**
     * Takes the message back from the reader; safe without the lock: of two settles of one delivery, or a settle and
     * the reader's close, the compare-and-set lets exactly one through.
     */
    private Entry settle(Reader reader, Receipt receipt, String action) {
        Entry entry = receipt.entry;
        if (entry.tag != receipt.tag() || !OWNER.compareAndSet(entry, reader, null)) {
            throw new InMemoryBrokerException("Cannot " + action + " delivery " + receipt.tag() + " on channel '"
                    + name + "': it is not unsettled on this consumer (already settled, received by another consumer, "
                    + "or returned to the channel when the consumer closed)");
        }
        reader.unsettled.decrementAndGet();
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
        private final AtomicInteger unsettled = new AtomicInteger();
        /**
         * Entries handed to this reader, oldest first, some settled since (their owner is no longer this reader):
         * what {@link #close} looks through. Guarded by the channel's lock; settled ones are dropped as it grows.
         */
        private final ArrayDeque<Entry> handed = new ArrayDeque<>();
        private boolean closed;

        private Reader(int prefetch) {
            this.prefetch = prefetch;
        }

        private void handed(Entry entry) {
            while (!handed.isEmpty() && handed.peekFirst().owner != this) {
                handed.pollFirst();
            }
            if (handed.size() > 2L * prefetch + 16) { // one held for long keeps the front from moving
                handed.removeIf(e -> e.owner != this);
            }
            handed.addLast(entry);
        }
    }

    @Override
    public String toString() {
        return "ChannelQueue[" + name + " on " + topic + "]";
    }
}
