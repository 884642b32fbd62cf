package dev.courier.test.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.MailboxStore;
import dev.courier.test.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MailboxStore} keeps. An implementation's test class extends this and says how to make a
 * fresh, empty store that stamps what it keeps with the given clock; a store that joins the caller's transactions
 * extends {@link TransactionalMailboxStoreContract} instead, which adds the transaction tests.
 * Implementations that share storage between instances must start each call to {@link #createStore} from empty
 * storage.
 */
public abstract class MailboxStoreContract {
    protected static final String RECIPIENT = "job-42";
    protected static final String DONE = "JobDone";
    protected static final String PROGRESS = "JobProgress";

    protected final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    protected MailboxStore store;

    /** A fresh store with nothing kept, reading time from {@code clock}. */
    protected abstract MailboxStore createStore(Clock clock);

    /** Runs work in a new transaction that the store under test joins, on the calling thread. */
    public interface TransactionHarness {
        /** Runs {@code work} in a new transaction and commits it; returns what {@code work} returned. */
        <T> T commit(Supplier<T> work);

        /** Runs {@code work} in a new transaction and rolls it back; returns what {@code work} returned. */
        <T> T rollBack(Supplier<T> work);
    }

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    /** A message with every header field set, a bag with awkward values, and a body with every byte value. */
    protected static Message fullMessage() {
        return ContractMessages.full("courier.mailbox.billing");
    }

    protected static Message message() {
        return ContractMessages.plain("courier.mailbox.billing");
    }

    /** Keeps a new message for {@code recipient} under {@code type}, then moves the clock on a millisecond. */
    protected Message put(String recipient, String type) {
        Message message = message();
        assertThat(store.put(recipient, type, message)).as("put of a new message").isTrue();
        clock.advance(Duration.ofMillis(1));
        return message;
    }

    protected Optional<UUID> take(String recipient, String... types) {
        return store.take(recipient, List.of(types)).map(Message::id);
    }

    @Test
    void takeReturnsTheRecipientsMessagesOfTheTypeOldestFirst() {
        Message first = put(RECIPIENT, DONE);
        Message second = put(RECIPIENT, DONE);
        Message third = put(RECIPIENT, DONE);

        assertThat(take(RECIPIENT, DONE)).contains(first.id());
        assertThat(take(RECIPIENT, DONE)).contains(second.id());
        assertThat(take(RECIPIENT, DONE)).contains(third.id());
        assertThat(take(RECIPIENT, DONE)).isEmpty();
    }

    @Test
    void aMessageOfAnotherTypeIsNotTaken() {
        Message progress = put(RECIPIENT, PROGRESS);

        assertThat(take(RECIPIENT, DONE)).isEmpty();
        assertThat(store.count(RECIPIENT)).isEqualTo(1);
        assertThat(take(RECIPIENT, PROGRESS)).contains(progress.id());
    }

    @Test
    void takeOfSeveralTypesReturnsTheOldestOfAnyOfThem() {
        Message progress = put(RECIPIENT, PROGRESS);
        Message done = put(RECIPIENT, DONE);
        put(RECIPIENT, "JobCancelled");

        assertThat(take(RECIPIENT, DONE, PROGRESS)).contains(progress.id());
        assertThat(take(RECIPIENT, DONE, PROGRESS)).contains(done.id());
        assertThat(take(RECIPIENT, DONE, PROGRESS)).isEmpty();
        assertThat(store.count(RECIPIENT)).isEqualTo(1);
    }

    @Test
    void manyMessagesOfSeveralTypesAreTakenInTheOrderTheyWereKept() {
        String[] types = {DONE, PROGRESS, "JobCancelled"};
        List<UUID> wanted = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            String type = i < 36 ? types[i / 12] : types[i % 3];    // runs of 12 of one type, then interleaved
            Message message = put(RECIPIENT, type);
            if (!type.equals("JobCancelled")) {
                wanted.add(message.id());
            }
        }

        List<UUID> taken = new ArrayList<>();
        for (Optional<UUID> next = take(RECIPIENT, PROGRESS, DONE); next.isPresent();
                next = take(RECIPIENT, PROGRESS, DONE)) {
            taken.add(next.get());
        }

        assertThat(taken).containsExactlyElementsOf(wanted);
        assertThat(store.count(RECIPIENT)).isEqualTo(45 - wanted.size());
    }

    @Test
    void anotherRecipientsMessageIsNotTaken() {
        Message other = put("job-43", DONE);

        assertThat(take(RECIPIENT, DONE)).isEmpty();
        assertThat(take("job-43", DONE)).contains(other.id());
    }

    @Test
    void recipientsThatDifferOnlyInCaseAreDifferentRecipients() {
        put("Job-42", DONE);

        assertThat(take(RECIPIENT, DONE)).isEmpty();
        assertThat(store.count(RECIPIENT)).isZero();
        assertThat(store.count("Job-42")).isEqualTo(1);
    }

    @Test
    void keepingTheSameIdTwiceReturnsFalseAndKeepsOneMessage() {
        Message message = put(RECIPIENT, DONE);

        assertThat(store.put(RECIPIENT, DONE, message)).isFalse();
        assertThat(store.put("job-43", PROGRESS, message)).as("the same id for another recipient").isFalse();

        assertThat(store.count(RECIPIENT)).isEqualTo(1);
        assertThat(store.count("job-43")).isZero();
        assertThat(take(RECIPIENT, DONE)).contains(message.id());
        assertThat(take(RECIPIENT, DONE)).isEmpty();
    }

    @Test
    void anIdIsFreeAgainOnceItsMessageIsTaken() {
        Message message = put(RECIPIENT, DONE);
        take(RECIPIENT, DONE);

        assertThat(store.put(RECIPIENT, DONE, message)).isTrue();
        assertThat(take(RECIPIENT, DONE)).contains(message.id());
    }

    @Test
    void countCountsTheRecipientsMessagesOfEveryType() {
        put(RECIPIENT, DONE);
        put(RECIPIENT, PROGRESS);
        put(RECIPIENT, PROGRESS);
        put("job-43", DONE);

        assertThat(store.count(RECIPIENT)).isEqualTo(3);
        take(RECIPIENT, PROGRESS);
        assertThat(store.count(RECIPIENT)).isEqualTo(2);
        assertThat(store.count("job-43")).isEqualTo(1);
        assertThat(store.count("job-44")).isZero();
    }

    @Test
    void takeFromAnEmptyMailboxIsEmpty() {
        assertThat(take(RECIPIENT, DONE)).isEmpty();
        assertThat(take(RECIPIENT, DONE, PROGRESS)).isEmpty();
        assertThat(store.count(RECIPIENT)).isZero();
    }

    @Test
    void takeOfNoTypesIsEmpty() {
        put(RECIPIENT, DONE);

        assertThat(store.take(RECIPIENT, List.of())).isEmpty();
        assertThat(store.count(RECIPIENT)).isEqualTo(1);
    }

    @Test
    void aTakenMessageComesBackEqualWithEveryHeaderFieldItsBagAndBody() {
        Message kept = fullMessage();
        store.put(RECIPIENT, DONE, kept);

        Message taken = store.take(RECIPIENT, List.of(DONE)).orElseThrow();

        assertThat(taken.header()).isEqualTo(kept.header());
        assertThat(taken.header().bag()).isEqualTo(kept.header().bag());
        assertThat(taken.body().contentType()).isEqualTo(kept.body().contentType());
        assertThat(taken.body().bytes()).isEqualTo(kept.body().bytes());
        assertThat(taken).isEqualTo(kept);
    }

    @Test
    void aMessageWithOnlyRequiredFieldsAndAnEmptyBodyComesBackEqual() {
        Message kept = new Message(MessageHeader.builder(UUID.randomUUID(), "t", MessageType.QUIT)
                .timestamp(Instant.parse("2026-01-01T00:00:00Z")).build(), MessageBody.EMPTY);
        store.put(RECIPIENT, DONE, kept);

        assertThat(store.take(RECIPIENT, List.of(DONE))).contains(kept);
    }

    @Test
    void concurrentTakersTakeEveryMessageExactlyOnce() throws Exception {
        int recipients = 10;
        int messages = 1_000;
        Set<UUID> kept = new HashSet<>();
        for (int i = 0; i < messages; i++) {
            Message message = message();
            store.put("r-" + (i % recipients), i % 3 == 0 ? PROGRESS : DONE, message);
            kept.add(message.id());
        }
        int threads = 8;
        Queue<UUID> taken = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> takers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                takers.add(pool.submit(() -> {
                    start.await();
                    boolean tookAny = true;
                    while (tookAny) {     // passes over every recipient until one finds nothing left
                        tookAny = false;
                        for (int r = 0; r < recipients; r++) {
                            Optional<Message> message = store.take("r-" + (r + offset) % recipients,
                                    List.of(DONE, PROGRESS));
                            message.ifPresent(m -> taken.add(m.id()));
                            tookAny |= message.isPresent();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> taker : takers) {
                taker.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<UUID> all = new ArrayList<>(taken);
        assertThat(new HashSet<>(all)).as("the distinct messages taken").isEqualTo(kept);
        assertThat(all).as("messages taken by %d threads from %d kept", threads, messages).hasSize(messages);
        for (int r = 0; r < recipients; r++) {
            assertThat(store.count("r-" + r)).isZero();
        }
    }

}
