package dev.courier.benchmarks;

import dev.courier.Command;
import dev.courier.Request;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Mailboxes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Mailbox round trips for {@link RabbitMqCallBenchmark}, on the same broker in the same run as {@code call}: an
 * enqueue (through the outbox, confirmed) to a recipient whose dequeue is waiting, one at a time; and the same with
 * a thousand recipients each waiting in a thread of its own while eight senders enqueue to them all.
 */
final class MailboxRounds {
    /** The message: who it is for and when it was sent ({@link System#nanoTime()}, same JVM). */
    record Note(UUID id, int waiter, long sentNanos) implements Command {}

    private MailboxRounds() {}

    /** Enqueue, then the waiting dequeue takes it: latencies in ns, one message at a time. */
    static long[] sequential(CommandProcessor sender, Mailboxes mailboxes, int count) {
        long[] latencies = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            sender.enqueue(mailboxes.address("sequential"), new Note(Request.newId(), 0, start));
            mailboxes.dequeue("sequential", Note.class, Duration.ofSeconds(10));
            latencies[i] = System.nanoTime() - start;
        }
        return latencies;
    }

    /** What the concurrent round measured. */
    record Concurrent(long[] latencies, double perSecond) {}

    /** {@code waiters} recipients, each dequeuing {@code each} messages in its own thread, fed by 8 senders. */
    static Concurrent concurrent(CommandProcessor sender, Mailboxes mailboxes, int waiters, int each)
            throws InterruptedException {
        long[] latencies = new long[waiters * each];
        AtomicInteger taken = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < waiters; w++) {
            String recipient = "waiter-" + w;
            threads.add(started(() -> {
                for (int k = 0; k < each; k++) {
                    Note note = mailboxes.dequeue(recipient, Note.class, Duration.ofSeconds(120));
                    latencies[taken.getAndIncrement()] = System.nanoTime() - note.sentNanos();
                }
            }));
        }
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            int slice = s;
            senders.add(started(() -> {
                for (int m = slice; m < waiters * each; m += 8) {
                    int waiter = m % waiters;
                    sender.enqueue(mailboxes.address("waiter-" + waiter), new Note(Request.newId(), waiter,
                            System.nanoTime()));
                }
            }));
        }
        for (Thread thread : senders) {
            thread.join();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Concurrent(latencies, waiters * each / seconds);
    }

    private static Thread started(Runnable work) {
        Thread thread = new Thread(work);
        thread.start();
        return thread;
    }
}
