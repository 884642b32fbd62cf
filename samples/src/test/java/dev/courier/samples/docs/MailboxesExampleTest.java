package dev.courier.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.MailboxAddress;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Mailboxes;
import dev.courier.transport.inmemory.InMemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The snippets of docs/mailboxes.md, compiled and run on the in-memory transport. */
class MailboxesExampleTest {
    public record JobDone(UUID id, String job, int result) implements Command {}
    public record JobFailed(UUID id, String job, String why) implements Command {}

    @Test
    void theGuidesMailboxesWork() {
        InMemoryTransport transport = InMemoryTransport.create();
        MessageMappers mappers = new MessageMappers().json(JobDone.class, "jobs").json(JobFailed.class, "jobs");
        try (CommandProcessor processor = CommandProcessor.builder().mappers(mappers)
                .producers(Producers.of(transport)).build()) {
            // snippet service
            Mailboxes mailboxes = Mailboxes.builder("billing")       // this process's mailbox service
                    .transport(transport)                            // its channel: courier.mailbox.billing
                    .mappers(mappers)                                // the types it may deliver
                    .build().start();                                // .store(JdbcMailboxStore...) to outlive the process
            // end service

            // snippet enqueue
            MailboxAddress to = MailboxAddress.parse("billing/job-42");
            processor.enqueue(to, new JobDone(UUID.randomUUID(), "job-42", 7));
            // end enqueue

            // snippet dequeue
            JobDone done = mailboxes.dequeue("job-42", JobDone.class, Duration.ofMinutes(5));
            // end dequeue
            assertThat(done.result()).isEqualTo(7);

            processor.enqueue(to, new JobFailed(UUID.randomUUID(), "job-42", "disk full"));
            // snippet waitAny
            Request answer = mailboxes.waitAny("job-42", Duration.ofMinutes(5), List.of(JobDone.class, JobFailed.class));
            String outcome = answer instanceof JobFailed failed ? "failed: " + failed.why() : "done";
            // end waitAny
            assertThat(outcome).isEqualTo("failed: disk full");

            List<JobDone> received = new CopyOnWriteArrayList<>();
            // snippet callback
            String requestId = "request-" + UUID.randomUUID();         // one per request
            mailboxes.addRecipient(requestId, JobDone.class, received::add);
            // ... send the request with its answer address: mailboxes.address(requestId) ...
            // on the answer, or when giving up:
            mailboxes.removeRecipient(requestId);                      // a late answer is then ignored and counted
            // end callback
            processor.enqueue(mailboxes.address(requestId), new JobDone(UUID.randomUUID(), "late", 0));
            dev.courier.test.Await.until(Duration.ofSeconds(5), "ignored", () -> mailboxes.ignored() == 1);
            assertThat(received).isEmpty();
            mailboxes.close();
        }
    }
}
