package dev.courier.test.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.MailboxAddress;
import dev.courier.MailboxTimeoutException;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Mailboxes;
import dev.courier.spi.MailboxStore;
import dev.courier.store.InMemoryMailboxStore;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What mailboxes do on every transport and store (docs/mailboxes.md): enqueue to {@code service/recipient}, dequeue
 * by recipient and type, waiting when empty; WaitAny; callbacks and removed recipients; every message taken once
 * under concurrency; a restart of the receiving side. A transport's test extends it with its fixture and, where the
 * store outlives a process (a database), with that store.
 */
public abstract class MailboxContract {
    /** A job's progress, answer and failure: three types for one recipient. */
    public record JobStarted(UUID id, String job) implements Command {}
    public record JobDone(UUID id, String job, int result) implements Command {}
    public record JobFailed(UUID id, String job, String why) implements Command {}

    protected static final Duration WAIT = Duration.ofSeconds(20);

    private TransportFixture fixture;
    private CommandProcessor sender;
    private final List<Mailboxes> opened = new ArrayList<>();
    private String service;

    protected abstract TransportFixture createFixture();

    /** The store a mailbox service of this test uses; a durable one returns a store over the same data each call. */
    protected MailboxStore store() {
        return sharedStore;
    }

    private final MailboxStore sharedStore = new InMemoryMailboxStore();

    protected static MessageMappers mappers() {
        return new MessageMappers().json(JobStarted.class, "jobs").json(JobDone.class, "jobs")
                .json(JobFailed.class, "jobs");
    }

    @BeforeEach
    void open() {
        fixture = createFixture();
        service = fixture.uniqueTopic("mailbox").replace('.', '-');
        sender = CommandProcessor.builder().mappers(mappers()).producers(Producers.of(fixture.transport())).build();
    }

    @AfterEach
    void close() throws Exception {
        try {
            opened.forEach(Mailboxes::close);
            sender.close();
        } finally {
            try {
                fixture.close();
            } finally {
                closeStore();
            }
        }
    }

    /** Runs after every mailbox service and the fixture are closed: release and drop the store's data. */
    protected void closeStore() throws Exception {}

    protected Mailboxes mailboxes() {
        return mailboxes(Duration.ofMillis(200));
    }

    /** A service whose waiting dequeues look in the store again every {@code pollInterval} besides being woken. */
    protected Mailboxes mailboxes(Duration pollInterval) {
        Mailboxes mailboxes = Mailboxes.builder(service).transport(fixture.transport()).mappers(mappers())
                .store(store()).pollInterval(pollInterval).build().start();
        opened.add(mailboxes);
        return mailboxes;
    }

    protected MailboxAddress to(String recipient) {
        return new MailboxAddress(service, recipient);
    }

    protected CommandProcessor sender() {
        return sender;
    }

    @Test
    void anEnqueuedMessageIsDequeuedByItsRecipientAndType() {
        Mailboxes mailboxes = mailboxes();
        sender.enqueue(to("job-1"), new JobDone(UUID.randomUUID(), "job-1", 42));

        JobDone done = mailboxes.dequeue("job-1", JobDone.class, WAIT);

        assertThat(done.result()).isEqualTo(42);
        assertThat(mailboxes.kept("job-1")).isZero();
    }

    @Test
    void aWaitingDequeueIsWokenByALaterEnqueue() throws Exception {
        Mailboxes mailboxes = mailboxes(Duration.ofHours(1)); // no poll would find it in time: only the wake-up can
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            Future<JobDone> waiting = waiter.submit(() -> mailboxes.dequeue("job-2", JobDone.class, WAIT));
            Await.until(WAIT, "the dequeue to wait", () -> mailboxes.waiting("job-2") == 1);
            sender.enqueue(to("job-2"), new JobDone(UUID.randomUUID(), "job-2", 7));
            assertThat(waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).result()).isEqualTo(7);
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void aTimeoutNamesTheRecipientAndTheTypesAndAMessageOfAnotherTypeIsNotTaken() {
        Mailboxes mailboxes = mailboxes();
        sender.enqueue(to("job-3"), new JobStarted(UUID.randomUUID(), "job-3"));
        Await.until(WAIT, "the message kept", () -> mailboxes.kept("job-3") == 1);

        assertThatThrownBy(() -> mailboxes.waitAny("job-3", Duration.ofMillis(300), List.of(JobDone.class,
                JobFailed.class)))
                .isInstanceOf(MailboxTimeoutException.class)
                .hasMessage("No message of type JobDone or JobFailed for recipient 'job-3' in mailbox '" + service
                        + "' within 300 ms");
        assertThat(mailboxes.dequeue("job-3", JobStarted.class, WAIT).job()).isEqualTo("job-3");
    }

    @Test
    void waitAnyTakesWhicheverOfThreeTypesArrives() {
        Mailboxes mailboxes = mailboxes();
        List<? extends Class<? extends Request>> three = List.of(JobStarted.class, JobDone.class, JobFailed.class);
        sender.enqueue(to("job-4"), new JobFailed(UUID.randomUUID(), "job-4", "disk full"));
        Request first = mailboxes.waitAny("job-4", WAIT, three);
        sender.enqueue(to("job-4"), new JobDone(UUID.randomUUID(), "job-4", 1));
        Request second = mailboxes.waitAny("job-4", WAIT, three);

        assertThat(first).isInstanceOfSatisfying(JobFailed.class, f -> assertThat(f.why()).isEqualTo("disk full"));
        assertThat(second).isInstanceOf(JobDone.class);
    }

    @Test
    void twoWaitersOnOneRecipientEachGetOneMessageAndNoneTwice() throws Exception {
        Mailboxes mailboxes = mailboxes();
        ExecutorService waiters = Executors.newFixedThreadPool(2);
        try {
            Future<JobDone> a = waiters.submit(() -> mailboxes.dequeue("job-5", JobDone.class, WAIT));
            Future<JobDone> b = waiters.submit(() -> mailboxes.dequeue("job-5", JobDone.class, WAIT));
            sender.enqueue(to("job-5"), new JobDone(UUID.randomUUID(), "job-5", 1));
            sender.enqueue(to("job-5"), new JobDone(UUID.randomUUID(), "job-5", 2));
            List<Integer> results = List.of(a.get(WAIT.toSeconds(), TimeUnit.SECONDS).result(),
                    b.get(WAIT.toSeconds(), TimeUnit.SECONDS).result());
            assertThat(results).as("one each, none twice").containsExactlyInAnyOrder(1, 2);
        } finally {
            waiters.shutdownNow();
        }
    }

    @Test
    void aThousandRecipientsWithTenMessagesEachAndConcurrentWaitersTakeEveryMessageOnce() throws Exception {
        Mailboxes mailboxes = mailboxes();
        int recipients = 1_000;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        ConcurrentHashMap<UUID, Integer> taken = new ConcurrentHashMap<>();
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int w = 0; w < 4; w++) {
                int waiter = w;
                work.add(pool.submit(() -> {
                    for (int r = waiter; r < recipients; r += 4) {
                        for (int i = 0; i < each; i++) {
                            JobDone done = mailboxes.dequeue("r-" + r, JobDone.class, WAIT);
                            taken.merge(done.id(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            for (int s = 0; s < 4; s++) {
                int slice = s;
                work.add(pool.submit(() -> {
                    for (int r = slice; r < recipients; r += 4) {
                        for (int i = 0; i < each; i++) {
                            sender.enqueue(to("r-" + r), new JobDone(UUID.randomUUID(), "r-" + r, i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(taken).hasSize(recipients * each);
        assertThat(taken.values()).as("none taken twice").allMatch(n -> n == 1);
        for (int r = 0; r < recipients; r++) {
            assertThat(mailboxes.kept("r-" + r)).as("nothing left for r-" + r).isZero();
        }
    }

    @Test
    void aCallbackServesItsRecipientAndAMessageForARemovedRecipientIsIgnoredAndCounted() {
        Mailboxes mailboxes = mailboxes();
        List<JobDone> called = new CopyOnWriteArrayList<>();
        mailboxes.addRecipient("request-7", JobDone.class, called::add);
        sender.enqueue(to("request-7"), new JobDone(UUID.randomUUID(), "job-7", 5));
        Await.until(WAIT, "the callback", () -> called.size() == 1);

        assertThat(mailboxes.removeRecipient("request-7")).isTrue();
        sender.enqueue(to("request-7"), new JobDone(UUID.randomUUID(), "job-7", 6));
        Await.until(WAIT, "the late message ignored", () -> mailboxes.ignored() == 1);
        assertThat(called).extracting(JobDone::result).containsExactly(5);
        assertThat(mailboxes.kept("request-7")).isZero();
    }

    @Test
    void messagesSentWhileTheReceiverIsDownAndMessagesItKeptAreThereAfterItsRestart() {
        Mailboxes first = mailboxes();
        sender.enqueue(to("job-8"), new JobStarted(UUID.randomUUID(), "job-8"));
        Await.until(WAIT, "the first message kept", () -> first.kept("job-8") == 1);
        first.close();
        sender.enqueue(to("job-8"), new JobDone(UUID.randomUUID(), "job-8", 8));

        Mailboxes second = mailboxes();

        assertThat(second.dequeue("job-8", JobDone.class, WAIT).result()).isEqualTo(8);
        assertThat(second.dequeue("job-8", JobStarted.class, WAIT).job()).isEqualTo("job-8");
    }

    @Test
    void badAddressesAreClearErrors() {
        assertThatThrownBy(() -> MailboxAddress.parse("no-slash")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'service/recipient'");
        assertThatThrownBy(() -> new MailboxAddress("a b", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b'");
        assertThat(MailboxAddress.parse("billing/order/42")).isEqualTo(new MailboxAddress("billing", "order/42"));
    }
}
