package dev.courier.test;

import dev.courier.ProducerException;
import dev.courier.message.Message;
import dev.courier.spi.MessageProducer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A producer for processor tests (not a transport): records what it is given and confirms at once, or fails, or
 * holds confirms back (for ever, or until the test releases them), as the test says. Transport behaviour is tested
 * against the real transports.
 */
public final class RecordingProducer implements MessageProducer {
    /** {@code HOLD}: records the message and confirms it only when {@link #releaseHeld} reaches it. */
    public enum Mode { CONFIRM, FAIL, NEVER_CONFIRM, HOLD }

    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final Deque<CompletableFuture<Void>> held = new ArrayDeque<>();
    private int mostHeld;
    private volatile Mode mode = Mode.CONFIRM;

    public RecordingProducer mode(Mode value) {
        mode = value;
        return this;
    }

    public List<Message> sent() {
        return List.copyOf(sent);
    }

    /** How many sends in {@code HOLD} mode wait for their confirm now. */
    public synchronized int heldCount() {
        return held.size();
    }

    /** The most sends that ever waited for their confirm at once. */
    public synchronized int mostHeld() {
        return mostHeld;
    }

    /** Confirms the {@code count} oldest held sends (fewer if fewer are held), outside this producer's lock. */
    public void releaseHeld(int count) {
        List<CompletableFuture<Void>> released = new java.util.ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < count && !held.isEmpty(); i++) {
                released.add(held.removeFirst());
            }
        }
        released.forEach(confirm -> confirm.complete(null));
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        switch (mode) {
            case FAIL:
                return CompletableFuture.failedFuture(new ProducerException("broker refused " + message.id()));
            case NEVER_CONFIRM:
                return new CompletableFuture<>();
            case HOLD:
                CompletableFuture<Void> confirm = new CompletableFuture<>();
                synchronized (this) {
                    sent.add(message);
                    held.addLast(confirm);
                    mostHeld = Math.max(mostHeld, held.size());
                }
                return confirm;
            default:
                sent.add(message);
                return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public void close() {}
}
