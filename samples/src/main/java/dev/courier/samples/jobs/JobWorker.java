package dev.courier.samples.jobs;

import dev.courier.HandlerRegistry;
import dev.courier.MailboxAddress;
import dev.courier.Producers;
import dev.courier.Subscription;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.samples.jobs.Jobs.JobDone;
import dev.courier.samples.jobs.Jobs.StartJob;
import dev.courier.spi.Transport;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The process that runs jobs: a Dispatcher on channel {@value Jobs#START_TOPIC}; each job's answer goes, through
 * the outbox, to the mailbox its request names. Stopped gracefully, it finishes the jobs in hand; killed, its
 * unfinished jobs are delivered again to the next worker.
 */
public final class JobWorker implements AutoCloseable {
    private final CommandProcessor processor;
    private final Dispatcher dispatcher;
    private boolean closed;

    public JobWorker(Transport transport, String name) {
        this(transport, name, Jobs.START_TOPIC);
    }

    /** A worker taking jobs from {@code startTopic} (tests give each run its own). */
    public JobWorker(Transport transport, String name, String startTopic) {
        AtomicReference<CommandProcessor> self = new AtomicReference<>();
        processor = CommandProcessor.builder().mappers(Jobs.mappers(startTopic)).producers(Producers.of(transport))
                .handlers(new HandlerRegistry().register(StartJob.class, job -> run(self.get(), job, name)))
                .build();
        self.set(processor);
        dispatcher = Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder(startTopic, StartJob.class).transport(transport)
                        .performers(2).build())
                .build().start();
    }

    private static void run(CommandProcessor processor, StartJob job, String worker) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(job.workMillis())); // the long-running part
        long result = job.job().chars().sum() * 1_000L + job.workMillis();
        processor.enqueue(MailboxAddress.parse(job.answerTo()), new JobDone(UUID.randomUUID(), job.job(), result,
                worker));
    }

    /** Stops taking jobs; those in hand finish and answer. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean clean = dispatcher.stop(Duration.ofSeconds(30));
        processor.close();
        if (!clean) {
            throw new IllegalStateException("jobs in hand did not finish within 30 s; they will run again elsewhere");
        }
    }
}
