package dev.courier.internal;

import dev.courier.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Marks confirmed sends dispatched off the producer's confirm thread, many at a time. A confirm only queues its
 * messages here; one task on the executor marks everything queued with one outbox call and then completes each
 * send's future. A broker confirms many messages with one frame: a task per message cost a queue hand-off and a
 * thread wake-up per message, and an outbox call each (issue 20: about 9 µs of CPU per message on the worker).
 */
final class DispatchMarks {
    /** Ids marked by one outbox call at most. */
    static final int MAX_IDS = 1000;
    /** Batches one task marks before it gives its thread back to the executor (and queues itself again). */
    private static final int BATCHES_PER_TASK = 16;

    private record Confirmed(List<Message> messages, List<UUID> ids, CompletableFuture<List<UUID>> result) {}

    private final ConcurrentLinkedQueue<Confirmed> queue = new ConcurrentLinkedQueue<>();
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
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                for (Confirmed c; (c = queue.poll()) != null; ) {
                    c.result.completeExceptionally(e);
                }
            }
        }
    }

    private void drain() {
        for (int batches = 0; batches < BATCHES_PER_TASK; batches++) {
            List<Confirmed> batch = new ArrayList<>();
            int ids = 0;
            for (Confirmed c; ids < MAX_IDS && (c = queue.poll()) != null; ) {
                batch.add(c);
                ids += c.ids.size();
            }
            if (batch.isEmpty()) {
                scheduled.set(false);
                if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return; // empty, or an add that came in between scheduled its own task
                }
                continue;
            }
            mark(batch, ids);
        }
        scheduled.set(false); // more may be queued: a new task lets the executor's other tasks run first
        if (!queue.isEmpty()) {
            schedule();
        }
    }

    private void mark(List<Confirmed> batch, int count) {
        List<Message> messages = new ArrayList<>(count);
        List<UUID> ids = new ArrayList<>(count);
        for (Confirmed c : batch) {
            messages.addAll(c.messages);
            ids.addAll(c.ids);
        }
        try {
            mark.accept(messages, ids);
        } catch (RuntimeException | Error e) {
            batch.forEach(c -> c.result.completeExceptionally(e));
            return;
        }
        batch.forEach(c -> c.result.complete(c.ids));
    }
}
