package dev.courier.internal;

import dev.courier.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Marks confirmed sends dispatched off the producer's confirm thread, many at a time. A confirm only queues its
 * messages here; one task on the executor takes what is queued (up to {@link #MAX_IDS} ids), marks it with one outbox
 * call and then completes each send's future. A broker confirms many messages with one frame: a task per message
 * cost a queue hand-off and a thread wake-up per message, and an outbox call each (issue 20: about 9 µs of CPU per
 * message on the worker).
 *
 * <p>A task hands the queue on (to a new task, if anything is left) before it completes its futures, so that a
 * caller's callback that waits for another send cannot hold up the marking of that send. One outbox call that fails
 * fails the futures of every send it was marking; those messages stay outstanding and the sweeper sends them again.
 */
final class DispatchMarks {
    /** Ids marked by one outbox call at most. */
    static final int MAX_IDS = 1000;

    private record Confirmed(List<Message> messages, List<UUID> ids, CompletableFuture<List<UUID>> result) {}

    private final ConcurrentLinkedQueue<Confirmed> queue = new ConcurrentLinkedQueue<>();
    /** Whether a task owns the queue: scheduled or running, until it hands the queue on. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor executor;
    private final BiConsumer<List<Message>, List<UUID>> mark;

    /** {@code mark} marks messages dispatched (and tells the listener); it runs on {@code executor}. */
    DispatchMarks(Executor executor, BiConsumer<List<Message>, List<UUID>> mark) {
        this.executor = executor;
        this.mark = mark;
    }

    /**
     * Queues confirmed messages for marking; {@code result} completes with their ids once they are marked, or fails
     * with why they could not be (then they stay outstanding for the sweeper).
     */
    void add(List<Message> messages, List<UUID> ids, CompletableFuture<List<UUID>> result) {
        queue.add(new Confirmed(messages, ids, result));
        if (executor instanceof ExecutorService service && service.isShutdown()) {
            failQueued(new RejectedExecutionException("the executor that marks sends dispatched is shut down"));
            return;
        }
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return; // the owning task takes what was queued
        }
        try {
            executor.execute(this::drain);
        } catch (Throwable e) { // rejected, or no thread could be started: nothing will take the queue
            scheduled.set(false);
            failQueued(e);
        }
    }

    private void failQueued(Throwable why) {
        for (Confirmed c; (c = queue.poll()) != null; ) {
            c.result.completeExceptionally(why);
        }
    }

    /** Takes one batch, marks it, hands the queue on, then completes the batch's futures. */
    private void drain() {
        List<Confirmed> batch = new ArrayList<>();
        Throwable failure = null;
        try {
            int ids = 0;
            for (Confirmed c; ids < MAX_IDS && (c = queue.poll()) != null; ) {
                batch.add(c);
                ids += c.ids.size();
            }
            if (!batch.isEmpty()) {
                List<Message> messages = new ArrayList<>(ids);
                List<UUID> all = new ArrayList<>(ids);
                for (Confirmed c : batch) {
                    messages.addAll(c.messages);
                    all.addAll(c.ids);
                }
                mark.accept(messages, all);
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            scheduled.set(false);
            if (!queue.isEmpty()) {
                schedule();
            }
        }
        for (Confirmed c : batch) {
            if (failure == null) {
                c.result.complete(c.ids);
            } else {
                c.result.completeExceptionally(failure);
            }
        }
    }
}
