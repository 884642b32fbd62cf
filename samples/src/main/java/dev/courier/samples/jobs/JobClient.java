package dev.courier.samples.jobs;

import dev.courier.Producers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Mailboxes;
import dev.courier.samples.jobs.Jobs.JobDone;
import dev.courier.samples.jobs.Jobs.StartJob;
import dev.courier.spi.MailboxStore;
import dev.courier.spi.Transport;
import java.time.Duration;
import java.util.UUID;

/**
 * The console program's side: starts jobs in another process and waits for each one's answer in its own mailbox
 * service, by recipient id {@code job-<name>}. The mailbox is durable (its channel on the broker, its store in the
 * database), so answers that arrive while this process is down wait for the next one.
 */
public final class JobClient implements AutoCloseable {
    private final CommandProcessor processor;
    private final Mailboxes mailboxes;

    public JobClient(Transport transport, MailboxStore store, String service) {
        this(transport, store, service, Jobs.START_TOPIC);
    }

    /** A client starting jobs on {@code startTopic} (tests give each run its own). */
    public JobClient(Transport transport, MailboxStore store, String service, String startTopic) {
        processor = CommandProcessor.builder().mappers(Jobs.mappers(startTopic)).producers(Producers.of(transport))
                .build();
        mailboxes = Mailboxes.builder(service).transport(transport).mappers(Jobs.mappers(startTopic)).store(store)
                .build().start();
    }

    /** Asks a worker to run job {@code name}; its answer will wait for {@link #await} under recipient job-name. */
    public void start(String name, int workMillis) {
        processor.post(new StartJob(UUID.randomUUID(), name, workMillis,
                mailboxes.address("job-" + name).toString()));
    }

    /** The answer of job {@code name}, waiting up to {@code timeout}. */
    public JobDone await(String name, Duration timeout) {
        return mailboxes.dequeue("job-" + name, JobDone.class, timeout);
    }

    /** The answer of job {@code name} if it is there now. */
    public java.util.Optional<JobDone> tryAwait(String name) {
        return mailboxes.tryDequeue("job-" + name, JobDone.class);
    }

    /** Stops reading the mailbox; answers arriving later wait on the broker and in the store. */
    @Override
    public void close() {
        mailboxes.close();
        processor.close();
    }
}
