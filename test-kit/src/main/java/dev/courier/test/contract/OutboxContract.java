package dev.courier.test.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.OutboxException;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxEntry;
import dev.courier.spi.OutboxQuery;
import dev.courier.spi.OutboxState;
import dev.courier.spi.OutboxStats;
import dev.courier.spi.OutboxTransaction;
import dev.courier.spi.ParkedMessage;
import dev.courier.test.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Outbox} keeps. An implementation's test class extends this and says how to make a
 * fresh, empty outbox that reads time from the given clock and holds at most the given number of outstanding
 * messages. Implementations that share storage between instances must start each call to {@link #createOutbox}
 * from empty storage.
 */
public abstract class OutboxContract {
    /** The bound of the outbox most tests use: large enough never to matter to them. */
    protected static final int LARGE_BOUND = 100_000;
    private static final Duration LEASE = Duration.ofSeconds(30);

    protected final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    protected Outbox outbox;

    /** A fresh outbox with nothing stored, reading time from {@code clock}, bounded at {@code maxOutstanding}. */
    protected abstract Outbox createOutbox(Clock clock, int maxOutstanding);

    @BeforeEach
    void createOutboxUnderTest() {
        outbox = createOutbox(clock, LARGE_BOUND);
    }

    /** A message with every header field set, a bag with awkward values, and a body with every byte value. */
    protected static Message fullMessage() {
        return ContractMessages.full("task.reminder");
    }

    protected static Message message(String topic) {
        return ContractMessages.plain(topic);
    }

    private void add(Message... messages) {
        outbox.add(List.of(messages), OutboxTransaction.NONE);
    }

    private List<Message> claimAll() {
        return outbox.claimOutstanding(clock.instant(), 1_000, LEASE);
    }

    private static List<UUID> ids(List<Message> messages) {
        return messages.stream().map(Message::id).toList();
    }

    private static OutboxQuery.Builder outstanding() {
        return OutboxQuery.builder(OutboxState.OUTSTANDING, 100);
    }

    private List<UUID> queried(OutboxQuery query) {
        return outbox.query(query).stream().map(entry -> entry.message().id()).toList();
    }

    /**
     * The ids of messages stored at the same time, in the order queries return them: by their text, which orders
     * them as unsigned numbers (written out here rather than taken from {@link OutboxEntry#ORDER}).
     */
    private static List<UUID> sameTime(Message... messages) {
        return Arrays.stream(messages).map(Message::id).sorted(Comparator.comparing(UUID::toString)).toList();
    }

    /** Every page from {@code first} on, following each with {@link OutboxQuery#nextPage}, until an empty one. */
    private List<List<UUID>> pages(OutboxQuery first) {
        List<List<UUID>> pages = new ArrayList<>();
        OutboxQuery query = first;
        for (List<OutboxEntry> page = outbox.query(query); !page.isEmpty(); page = outbox.query(query)) {
            pages.add(page.stream().map(entry -> entry.message().id()).toList());
            query = query.nextPage(page.get(page.size() - 1));
            assertThat(pages).as("pages so far").hasSizeLessThan(10);
        }
        return pages;
    }

    @Test
    void aStoredMessageComesBackEqualWithEveryHeaderFieldAndItsBody() {
        Message stored = fullMessage();
        add(stored);

        Message read = outbox.get(stored.id()).orElseThrow();

        assertThat(read.header()).isEqualTo(stored.header());
        assertThat(read.body().contentType()).isEqualTo(stored.body().contentType());
        assertThat(read.body().bytes()).isEqualTo(stored.body().bytes());
        assertThat(read).isEqualTo(stored);
    }

    @Test
    void aMessageWithOnlyRequiredFieldsAndAnEmptyBodyComesBackEqual() {
        Message stored = new Message(MessageHeader.builder(UUID.randomUUID(), "t", MessageType.QUIT)
                .timestamp(Instant.parse("2026-01-01T00:00:00Z")).build(), MessageBody.EMPTY);
        add(stored);

        assertThat(outbox.get(stored.id())).contains(stored);
    }

    @Test
    void aClaimedMessageComesBackEqual() {
        Message stored = fullMessage();
        add(stored);

        assertThat(claimAll()).containsExactly(stored);
    }

    @Test
    void getOfAnUnknownIdIsEmpty() {
        assertThat(outbox.get(UUID.randomUUID())).isEmpty();
    }

    @Test
    void addingNothingChangesNothing() {
        outbox.add(List.of(), OutboxTransaction.NONE);

        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void addingAnIdThatIsAlreadyStoredFailsAndKeepsTheStoredMessage() {
        Message stored = message("first");
        add(stored);
        Message sameId = new Message(stored.header().toBuilder().topic("second").build(), stored.body());

        assertThatThrownBy(() -> add(sameId)).isInstanceOf(OutboxException.class);
        assertThat(outbox.get(stored.id())).contains(stored);
        assertThat(outbox.outstandingCount()).isEqualTo(1);
    }

    @Test
    void outstandingMessagesAreClaimedOldestFirst() {
        Message first = message("a");
        Message second = message("b");
        Message third = message("c");
        Message batchOne = message("d");
        Message batchTwo = message("e");
        add(first);
        clock.advance(Duration.ofSeconds(1));
        add(second);
        clock.advance(Duration.ofSeconds(1));
        add(third);
        clock.advance(Duration.ofSeconds(1));
        add(batchOne, batchTwo);

        assertThat(ids(claimAll())).containsExactly(first.id(), second.id(), third.id(), batchOne.id(), batchTwo.id());
    }

    @Test
    void messagesCreatedAfterTheCutoffAreNotClaimed() {
        Message old = message("old");
        add(old);
        Instant cutoff = clock.instant().plusSeconds(5);
        clock.advance(Duration.ofSeconds(10));
        add(message("new"));

        assertThat(outbox.claimOutstanding(cutoff.minusSeconds(6), 10, LEASE)).as("cutoff before both").isEmpty();
        assertThat(ids(outbox.claimOutstanding(cutoff, 10, LEASE))).containsExactly(old.id());
    }

    @Test
    void aClaimReturnsAtMostTheLimit() {
        for (int i = 0; i < 5; i++) {
            add(message("t" + i));
        }

        assertThat(outbox.claimOutstanding(clock.instant(), 3, LEASE)).hasSize(3);
        assertThat(outbox.claimOutstanding(clock.instant(), 3, LEASE)).hasSize(2);
    }

    @Test
    void leasedMessagesAreNotClaimedAgainUntilTheLeaseEnds() {
        Message first = message("a");
        Message second = message("b");
        Message third = message("c");
        add(first, second, third);

        assertThat(ids(outbox.claimOutstanding(clock.instant(), 2, LEASE))).containsExactly(first.id(), second.id());
        assertThat(ids(outbox.claimOutstanding(clock.instant(), 2, LEASE))).containsExactly(third.id());
        assertThat(claimAll()).isEmpty();

        clock.advance(LEASE.minusSeconds(1));
        assertThat(claimAll()).as("claim one second before the first lease ends").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(ids(claimAll())).containsExactly(first.id(), second.id(), third.id());
        assertThat(claimAll()).as("the messages are leased again").isEmpty();
    }

    @Test
    void leasedMessagesStillCountAsOutstanding() {
        add(message("a"), message("b"));
        claimAll();

        assertThat(outbox.outstandingCount()).isEqualTo(2);
    }

    @Test
    void dispatchedMessagesAreNoLongerOutstanding() {
        Message first = message("a");
        Message second = message("b");
        Message third = message("c");
        add(first, second, third);
        claimAll();

        outbox.markDispatched(List.of(first.id(), second.id()), clock.instant());
        clock.advance(LEASE.multipliedBy(2));

        assertThat(outbox.outstandingCount()).isEqualTo(1);
        assertThat(ids(claimAll())).containsExactly(third.id());
    }

    @Test
    void markingUnknownIdsDispatchedIsIgnored() {
        Message stored = message("a");
        add(stored);

        outbox.markDispatched(List.of(UUID.randomUUID(), stored.id()), clock.instant());
        outbox.markDispatched(List.of(), clock.instant());

        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void markingADispatchedMessageAgainKeepsItsFirstDispatchTime() {
        Message stored = message("a");
        add(stored);
        Instant first = clock.instant();
        outbox.markDispatched(List.of(stored.id()), first);

        outbox.markDispatched(List.of(stored.id()), first.plus(Duration.ofMinutes(10)));

        assertThat(outbox.deleteDispatchedBefore(first.plus(Duration.ofMinutes(5)))).isEqualTo(1);
    }

    @Test
    void aMessageMarkedDispatchedTwiceMakesRoomForOneUnderTheBound() {
        Outbox bounded = createOutbox(clock, 2);
        Message first = message("a");
        bounded.add(List.of(first, message("b")), OutboxTransaction.NONE);
        bounded.markDispatched(List.of(first.id()), clock.instant());
        bounded.markDispatched(List.of(first.id()), clock.instant());

        bounded.add(List.of(message("c")), OutboxTransaction.NONE);

        assertThatThrownBy(() -> bounded.add(List.of(message("d")), OutboxTransaction.NONE))
                .isInstanceOf(OutboxException.class).hasMessageContaining("outbox full: 2 outstanding, limit 2");
        assertThat(bounded.outstandingCount()).isEqualTo(2);
    }

    @Test
    void aDispatchedMessageCanStillBeReadForARepost() {
        Message stored = fullMessage();
        add(stored);
        outbox.markDispatched(List.of(stored.id()), clock.instant());

        assertThat(outbox.get(stored.id())).contains(stored);
    }

    @Test
    void deleteDispatchedBeforeRemovesOnlyMessagesDispatchedBeforeTheCutoff() {
        Message early = message("early");
        Message late = message("late");
        Message pending = message("pending");
        add(early, late, pending);
        Instant start = clock.instant();
        outbox.markDispatched(List.of(early.id()), start);
        outbox.markDispatched(List.of(late.id()), start.plus(Duration.ofMinutes(10)));

        int deleted = outbox.deleteDispatchedBefore(start.plus(Duration.ofMinutes(5)));

        assertThat(deleted).isEqualTo(1);
        assertThat(outbox.get(early.id())).isEmpty();
        assertThat(outbox.get(late.id())).contains(late);
        assertThat(outbox.get(pending.id())).contains(pending);
        assertThat(outbox.outstandingCount()).isEqualTo(1);
        assertThat(outbox.deleteDispatchedBefore(start.plus(Duration.ofMinutes(5)))).isZero();
    }

    @Test
    void outstandingCountFollowsAddsAndDispatches() {
        assertThat(outbox.outstandingCount()).isZero();
        Message first = message("a");
        add(first, message("b"), message("c"));
        assertThat(outbox.outstandingCount()).isEqualTo(3);

        outbox.markDispatched(List.of(first.id()), clock.instant());

        assertThat(outbox.outstandingCount()).isEqualTo(2);
    }

    @Test
    void oldestOutstandingIsWhenTheOldestUnparkedOutstandingMessageWasStored() {
        assertThat(outbox.oldestOutstanding()).isEmpty();
        Instant first = clock.instant();
        Message a = message("a");
        add(a);
        clock.advance(Duration.ofSeconds(10));
        Message b = message("b");
        add(b);
        assertThat(outbox.oldestOutstanding()).contains(first);

        outbox.markDispatched(List.of(a.id()), clock.instant());
        assertThat(outbox.oldestOutstanding()).contains(first.plusSeconds(10));

        outbox.recordRefusal(b.id(), "too large", clock.instant(), 1);     // parked: the sweeper no longer tries it
        assertThat(outbox.oldestOutstanding()).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        add(message("c"));
        assertThat(outbox.oldestOutstanding()).contains(first.plusSeconds(20));
    }

    @Test
    void anAddBeyondTheBoundFailsNamingTheCountAndTheLimit() {
        Outbox bounded = createOutbox(clock, 5);
        List<Message> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(message("t" + i));
        }
        bounded.add(five, OutboxTransaction.NONE);

        assertThatThrownBy(() -> bounded.add(List.of(message("sixth")), OutboxTransaction.NONE))
                .isInstanceOf(OutboxException.class)
                .hasMessageContaining("outbox full: 5 outstanding, limit 5");
        assertThat(bounded.outstandingCount()).isEqualTo(5);

        bounded.markDispatched(List.of(five.get(0).id()), clock.instant());
        bounded.add(List.of(message("sixth")), OutboxTransaction.NONE);
        assertThat(bounded.outstandingCount()).isEqualTo(5);
    }

    @Test
    void aBatchThatWouldExceedTheBoundIsRejectedWhole() {
        Outbox bounded = createOutbox(clock, 5);
        List<Message> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            six.add(message("t" + i));
        }

        assertThatThrownBy(() -> bounded.add(six, OutboxTransaction.NONE))
                .isInstanceOf(OutboxException.class)
                .hasMessageContaining("outbox full: 0 outstanding, limit 5");
        assertThat(bounded.outstandingCount()).isZero();
    }

    @Test
    void concurrentClaimersEachGetEveryMessageExactlyOnce() throws Exception {
        int total = 2_000;
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            batch.add(message("t"));
            if (batch.size() == 200) {
                outbox.add(batch, OutboxTransaction.NONE);
                batch = new ArrayList<>();
            }
        }
        Map<UUID, AtomicInteger> claims = new ConcurrentHashMap<>();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> sweepers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                sweepers.add(pool.submit(() -> {
                    start.await();
                    List<Message> claimed;
                    while (!(claimed = outbox.claimOutstanding(clock.instant(), 25, Duration.ofHours(1))).isEmpty()) {
                        claimed.forEach(m -> claims.computeIfAbsent(m.id(), id -> new AtomicInteger()).incrementAndGet());
                        outbox.markDispatched(ids(claimed), clock.instant());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> sweeper : sweepers) {
                sweeper.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(claims).hasSize(total);
        Set<UUID> twice = new java.util.HashSet<>();
        claims.forEach((id, count) -> {
            if (count.get() != 1) {
                twice.add(id);
            }
        });
        assertThat(twice).as("messages claimed more than once").isEmpty();
        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void aMessageRefusedParkAfterTimesIsParkedWithItsReasonAndNoLongerClaimedUntilReposted() {
        Message poison = message("orders");
        Message fine = message("orders");
        outbox.add(List.of(poison, fine), OutboxTransaction.NONE);

        for (int refusal = 1; refusal <= 3; refusal++) {
            assertThat(outbox.claimOutstanding(clock.instant(), 10, LEASE)).extracting(Message::id)
                    .contains(poison.id());
            boolean parked = outbox.recordRefusal(poison.id(), "body over the limit (" + refusal + ")",
                    clock.instant(), 3);
            assertThat(parked).as("parked by refusal " + refusal).isEqualTo(refusal == 3);
            clock.advance(LEASE.plusSeconds(1));
        }

        assertThat(outbox.claimOutstanding(clock.instant(), 10, LEASE)).extracting(Message::id)
                .containsExactly(fine.id());
        List<ParkedMessage> parked = outbox.parked(10);
        assertThat(parked).singleElement().satisfies(p -> {
            assertThat(p.message().id()).isEqualTo(poison.id());
            assertThat(p.attempts()).isEqualTo(3);
            assertThat(p.reason()).isEqualTo("body over the limit (3)");
        });
        assertThat(outbox.recordRefusal(poison.id(), "again", clock.instant(), 3)).as("already parked").isFalse();

        outbox.markDispatched(List.of(poison.id()), clock.instant());     // reposted once fixed
        assertThat(outbox.parked(10)).isEmpty();
        assertThat(outbox.recordRefusal(UUID.randomUUID(), "unknown", clock.instant(), 1)).isFalse();
    }

    @Test
    void aQueryReturnsTheMessagesOfOneStateWithWhereEachStands() {
        Instant created = clock.instant();
        Message waiting = fullMessage();
        Message sent = message("orders");
        Message refused = message("orders");
        add(waiting, sent, refused);
        clock.advance(Duration.ofSeconds(5));
        Instant sentAt = clock.instant();
        outbox.markDispatched(List.of(sent.id()), sentAt);
        outbox.recordRefusal(refused.id(), "no queue is bound to orders", clock.instant(), 1);

        assertThat(outbox.query(OutboxQuery.of(OutboxState.OUTSTANDING, 10)))
                .containsExactly(new OutboxEntry(waiting, OutboxState.OUTSTANDING, created, null, 0, ""));
        assertThat(outbox.query(OutboxQuery.of(OutboxState.DISPATCHED, 10)))
                .containsExactly(new OutboxEntry(sent, OutboxState.DISPATCHED, created, sentAt, 0, ""));
        assertThat(outbox.query(OutboxQuery.of(OutboxState.PARKED, 10))).containsExactly(
                new OutboxEntry(refused, OutboxState.PARKED, created, null, 1, "no queue is bound to orders"));
    }

    @Test
    void anOutstandingMessageRefusedFewerThanParkAfterTimesShowsItsRefusals() {
        Message refused = message("orders");
        add(refused);

        outbox.recordRefusal(refused.id(), "body over the limit", clock.instant(), 3);

        assertThat(outbox.query(OutboxQuery.of(OutboxState.OUTSTANDING, 10))).singleElement().satisfies(entry -> {
            assertThat(entry.refusals()).isEqualTo(1);
            assertThat(entry.lastRefusal()).isEqualTo("body over the limit");
        });
        assertThat(outbox.query(OutboxQuery.of(OutboxState.PARKED, 10))).isEmpty();
    }

    @Test
    void aQueryTakesOnlyTheTopicAndTheCreationTimesAsked() {
        Instant start = clock.instant();
        Message early = message("orders");
        add(early);
        clock.advance(Duration.ofSeconds(10));
        Message middle = message("orders");
        Message invoice = message("invoices");
        add(middle, invoice);
        clock.advance(Duration.ofSeconds(10));
        Message late = message("orders");
        add(late);

        Instant second = start.plusSeconds(10);

        assertThat(queried(outstanding().topic("orders").build())).containsExactly(early.id(), middle.id(), late.id());
        assertThat(queried(outstanding().topic("invoices").build())).containsExactly(invoice.id());
        assertThat(queried(outstanding().topic("payments").build())).isEmpty();
        assertThat(queried(outstanding().createdFrom(second).build())).as("from is inclusive")
                .containsExactlyElementsOf(append(sameTime(middle, invoice), late.id()));
        assertThat(queried(outstanding().createdBefore(second).build())).as("before is exclusive").containsExactly(early.id());
        assertThat(queried(outstanding().createdFrom(second).createdBefore(second.plusSeconds(10)).topic("orders").build()))
                .containsExactly(middle.id());
        assertThat(queried(outstanding().createdFrom(second.plusNanos(1)).build())).as("a nanosecond after the second add")
                .containsExactly(late.id());
        assertThat(queried(outstanding().createdFrom(start.plusNanos(1)).createdBefore(second.plusNanos(1)).build()))
                .as("from a nanosecond after the first add to a nanosecond after the second")
                .containsExactlyElementsOf(sameTime(middle, invoice));
        assertThat(queried(OutboxQuery.builder(OutboxState.DISPATCHED, 100).topic("orders").build())).isEmpty();
    }

    private static List<UUID> append(List<UUID> ids, UUID last) {
        List<UUID> all = new ArrayList<>(ids);
        all.add(last);
        return all;
    }

    @Test
    void pagesOfTenWalkTwentyFiveMessagesStoredAtDifferentTimesOnceEachInOrder() {
        List<UUID> added = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Message message = message("t" + i);
            add(message);
            added.add(message.id());
            clock.advance(Duration.ofMillis(1));
        }

        List<List<UUID>> pages = pages(OutboxQuery.of(OutboxState.OUTSTANDING, 10));

        assertThat(pages).extracting(List::size).containsExactly(10, 10, 5);
        assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(added);
    }

    @Test
    void pagesOfMessagesStoredAtTheSameTimeFollowTheirIds() {
        Message[] batch = new Message[25];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = message("t" + i);
        }
        add(batch);
        Message[] later = {message("later"), message("later"), message("later")};
        clock.advance(Duration.ofSeconds(1));
        add(later);
        List<UUID> expected = new ArrayList<>(sameTime(batch));
        expected.addAll(sameTime(later));

        List<List<UUID>> outstanding = pages(OutboxQuery.of(OutboxState.OUTSTANDING, 10));
        outbox.markDispatched(expected, clock.instant());
        List<List<UUID>> dispatched = pages(OutboxQuery.of(OutboxState.DISPATCHED, 10));

        assertThat(outstanding).extracting(List::size).containsExactly(10, 10, 8);
        assertThat(outstanding.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(expected);
        assertThat(dispatched).isEqualTo(outstanding);
        assertThat(pages(OutboxQuery.builder(OutboxState.DISPATCHED, 10).topic("later").build()))
                .containsExactly(sameTime(later));
    }

    @Test
    void statsCountEachStateAndTellWhenTheOldestOutstandingMessageWasStored() {
        assertThat(outbox.stats()).isEqualTo(new OutboxStats(0, 0, 0, Optional.empty()));
        Message sent = message("a");
        Message refused = message("b");
        add(sent, refused);
        clock.advance(Duration.ofSeconds(10));
        Instant second = clock.instant();
        Message c = message("c");
        Message d = message("d");
        Message e = message("e");
        add(c, d, e);

        outbox.markDispatched(List.of(sent.id()), clock.instant());
        outbox.recordRefusal(refused.id(), "too large", clock.instant(), 1);

        assertThat(outbox.stats()).isEqualTo(new OutboxStats(3, 1, 1, Optional.of(second)));
        outbox.markDispatched(List.of(c.id(), d.id(), e.id()), clock.instant());
        assertThat(outbox.stats()).isEqualTo(new OutboxStats(0, 1, 4, Optional.empty()));
    }

    @Test
    void markOutstandingHandsDispatchedAndParkedMessagesToTheSweeperAgain() {
        Instant start = clock.instant();
        Message sent = message("a");
        add(sent);
        clock.advance(Duration.ofSeconds(1));
        Message refused = message("b");
        add(refused);
        clock.advance(Duration.ofSeconds(1));
        Message leased = message("c");
        add(leased);
        assertThat(ids(claimAll())).containsExactly(sent.id(), refused.id(), leased.id());
        outbox.markDispatched(List.of(sent.id()), clock.instant());
        outbox.recordRefusal(refused.id(), "unroutable", clock.instant(), 1);
        clock.advance(Duration.ofSeconds(1));
        Message newer = message("d");
        add(newer);

        int changed = outbox.markOutstanding(List.of(newer.id(), sent.id(), refused.id(), leased.id(),
                UUID.randomUUID()));

        assertThat(changed).as("the dispatched and the parked message").isEqualTo(2);
        assertThat(ids(claimAll())).as("oldest first; the outstanding message keeps its lease")
                .containsExactly(sent.id(), refused.id(), newer.id());
        assertThat(outbox.query(OutboxQuery.of(OutboxState.OUTSTANDING, 10))).containsExactly(
                new OutboxEntry(sent, OutboxState.OUTSTANDING, start, null, 0, ""),
                new OutboxEntry(refused, OutboxState.OUTSTANDING, start.plusSeconds(1), null, 0, ""),
                new OutboxEntry(leased, OutboxState.OUTSTANDING, start.plusSeconds(2), null, 0, ""),
                new OutboxEntry(newer, OutboxState.OUTSTANDING, start.plusSeconds(3), null, 0, ""));
        assertThat(outbox.stats()).isEqualTo(new OutboxStats(4, 0, 0, Optional.of(start)));
        assertThat(outbox.recordRefusal(refused.id(), "unroutable again", clock.instant(), 2))
                .as("its refusals start again from none").isFalse();
        assertThat(outbox.markOutstanding(List.of(sent.id(), UUID.randomUUID()))).as("already outstanding").isZero();
        assertThat(outbox.markOutstanding(List.of())).isZero();
    }

    @Test
    void aRepostedMessageCanBeDispatchedAgain() {
        Message sent = message("a");
        add(sent);
        outbox.markDispatched(List.of(sent.id()), clock.instant());
        outbox.markOutstanding(List.of(sent.id()));
        clock.advance(Duration.ofMinutes(1));

        outbox.markDispatched(ids(claimAll()), clock.instant());

        assertThat(outbox.query(OutboxQuery.of(OutboxState.DISPATCHED, 10))).extracting(OutboxEntry::dispatchedAt)
                .containsExactly(clock.instant());
        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void aQueryOutsideTheLimitsOrWithHalfACursorIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> OutboxQuery.of(OutboxState.OUTSTANDING, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("limit must be from 1 to 10000 but was 0");
        assertThatThrownBy(() -> OutboxQuery.of(OutboxState.PARKED, 10_001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be from 1 to 10000 but was 10001");
        Instant at = clock.instant();
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> new OutboxQuery(OutboxState.DISPATCHED, null, null, null, at, null, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the paging cursor needs both afterCreatedAt and afterId, or neither, but was"
                        + " afterCreatedAt=" + at + ", afterId=null");
        assertThatThrownBy(() -> new OutboxQuery(OutboxState.DISPATCHED, null, null, null, null, id, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("afterCreatedAt=null, afterId=" + id);
        assertThatThrownBy(() -> OutboxQuery.of(null, 10)).isInstanceOf(NullPointerException.class)
                .hasMessage("state");
        assertThatThrownBy(() -> OutboxQuery.builder(OutboxState.OUTSTANDING, 10).createdFrom(at).createdBefore(at).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("createdFrom " + at + " is not before createdBefore " + at);
    }
}
