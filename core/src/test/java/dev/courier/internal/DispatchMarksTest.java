package dev.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Confirmed sends are marked dispatched many at a time, each exactly once, and a failure fails its batch only. */
class DispatchMarksTest {
    /** Runs its tasks only when told to, so that a test sees how many were queued. */
    private static final class ManualExecutor implements java.util.concurrent.Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
            }
        }
    }

    private static Message message() {
        return new Message(MessageHeader.builder(UUID.randomUUID(), "orders", MessageType.COMMAND).build(),
                MessageBody.json("{}"));
    }

    private static CompletableFuture<List<UUID>> add(DispatchMarks marks) {
        Message m = message();
        CompletableFuture<List<UUID>> result = new CompletableFuture<>();
        marks.add(List.of(m), List.of(m.id()), result);
        return result;
    }

    @Test
    void confirmsQueuedMeanwhileAreMarkedByOneTaskInCallsOfAtMostAThousand() {
        ManualExecutor executor = new ManualExecutor();
        List<Integer> calls = new ArrayList<>();
        DispatchMarks marks = new DispatchMarks(executor, (messages, ids) -> calls.add(ids.size()));
        List<CompletableFuture<List<UUID>>> results = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            results.add(add(marks));
        }
        assertThat(executor.tasks).hasSize(1);
        assertThat(results).noneMatch(CompletableFuture::isDone);

        executor.runAll();

        assertThat(calls).containsExactly(1_000, 1_000, 500);
        assertThat(results).allMatch(r -> r.isDone() && !r.isCompletedExceptionally() && r.join().size() == 1);
    }

    @Test
    void aFailedMarkFailsItsBatchAndTheNextConfirmsAreMarkedAgain() {
        ManualExecutor executor = new ManualExecutor();
        AtomicInteger call = new AtomicInteger();
        DispatchMarks marks = new DispatchMarks(executor, (messages, ids) -> {
            if (call.getAndIncrement() == 0) {
                throw new IllegalStateException("database down");
            }
        });
        CompletableFuture<List<UUID>> first = add(marks);
        CompletableFuture<List<UUID>> second = add(marks);
        executor.runAll();
        CompletableFuture<List<UUID>> third = add(marks);
        executor.runAll();

        assertThatThrownBy(first::get).isInstanceOf(ExecutionException.class).hasMessageContaining("database down");
        assertThatThrownBy(second::get).hasMessageContaining("database down");
        assertThat(third).isCompleted();
        assertThat(third.join()).hasSize(1);
    }

    @Test
    void anExecutorThatRefusesFailsTheConfirmsAtOnce() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.shutdown();
        DispatchMarks marks = new DispatchMarks(executor, (messages, ids) -> {
            throw new AssertionError("nothing is marked without the executor");
        });
        CompletableFuture<List<UUID>> result = add(marks);
        assertThatThrownBy(result::get).hasCauseInstanceOf(RejectedExecutionException.class);
        CompletableFuture<List<UUID>> next = add(marks);
        assertThat(next).as("a later confirm fails at once too, not queued for a task that never runs")
                .isCompletedExceptionally();
    }

    @Test
    void anErrorFromTheOutboxFailsItsBatchAndMarkingGoesOn() {
        ManualExecutor executor = new ManualExecutor();
        AtomicInteger call = new AtomicInteger();
        DispatchMarks marks = new DispatchMarks(executor, (messages, ids) -> {
            if (call.getAndIncrement() == 0) {
                throw new StackOverflowError("deep");
            }
        });
        CompletableFuture<List<UUID>> first = add(marks);
        executor.runAll();
        CompletableFuture<List<UUID>> second = add(marks);
        executor.runAll();

        assertThatThrownBy(first::get).hasCauseInstanceOf(StackOverflowError.class);
        assertThat(second.join()).hasSize(1);
    }

    /**
     * A caller's callback on a marked send that waits for another send: the task that marked the first has handed
     * the queue on before it completes the first's future, so a second task marks the other send.
     */
    @Test
    void aCallbackThatWaitsForAnotherSendDoesNotStopTheMarking() throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            CountDownLatch gate = new CountDownLatch(1);
            DispatchMarks marks = new DispatchMarks(executor, (messages, ids) -> {
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<List<UUID>> first = add(marks);
            // Registered while the first mark waits at the gate: it runs on the marking task's thread.
            CompletableFuture<List<UUID>> chained = first.thenApply(ids -> add(marks).join());
            gate.countDown();
            assertThat(chained.get(10, TimeUnit.SECONDS)).hasSize(1);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void concurrentConfirmsAreEachMarkedExactlyOnceByOneTaskAtATime() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            concurrentConfirms(executor);
        } finally {
            executor.shutdownNow();
        }
    }

    private static void concurrentConfirms(ExecutorService executor) throws Exception {
        Set<UUID> marked = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger marking = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        DispatchMarks marks = new DispatchMarks(executor, (messages, ids) -> {
            mostAtOnce.accumulateAndGet(marking.incrementAndGet(), Math::max);
            ids.forEach(id -> {
                if (!marked.add(id)) {
                    duplicates.incrementAndGet();
                }
            });
            marking.decrementAndGet();
        });
        int threads = 8;
        int each = 10_000;
        Queue<CompletableFuture<List<UUID>>> results = new java.util.concurrent.ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> confirmers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    results.add(add(marks));
                }
            });
            thread.start();
            confirmers.add(thread);
        }
        start.countDown();
        for (Thread thread : confirmers) {
            thread.join();
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(results).hasSize(threads * each);
        assertThat(marked).as("lost: none").hasSize(threads * each);
        assertThat(duplicates).as("marked twice: none").hasValue(0);
        assertThat(mostAtOnce).as("outbox calls running at once").hasValue(1);
    }
}
