package dev.courier.transport.inmemory.internal;

import dev.courier.message.Message;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

/**
 * One message's place in one channel: the broker's own handled count (never the producer's), when it is due, and
 * which reader holds it while it is in flight. Guarded by its channel's lock, except {@link #owner}, which a settle
 * takes back from its reader with a compare-and-set, lock or no lock.
 */
final class Entry {
    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(Entry.class, "owner", Reader.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Message message;
    final long sequence;
    int handledCount;
    Instant dueAt;
    volatile long tag;
    volatile Reader owner;

    Entry(Message message, long sequence, Instant dueAt) {
        this.message = message;
        this.sequence = sequence;
        this.dueAt = dueAt;
    }

    /**
     * Takes the entry back from {@code reader} if that reader still holds it, with a compare-and-set: of two settles
     * of one delivery, or a settle and the reader's close, exactly one gets true.
     */
    boolean release(Reader reader) {
        return OWNER.compareAndSet(this, reader, null);
    }

    /** The message as a consumer sees it: the broker's handled count in the header. */
    Message delivered() {
        return message.header().handledCount() == handledCount
                ? message
                : message.withHeader(message.header().withHandledCount(handledCount));
    }
}
