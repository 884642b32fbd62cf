package dev.courier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.MessageRefusedException;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxTransaction;
import dev.courier.store.InMemoryOutbox;
import dev.courier.test.Await;
import dev.courier.test.RecordingProducer;
import dev.courier.test.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboxSweeperTest {
    private static final int BATCH = 2;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CountingOutbox outbox = new CountingOutbox();
    private final ExecutorService passes = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopPasses() {
        passes.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void noMoreThanMaxBatchesInFlightAreClaimedAndUnconfirmedAtOnce(int limit) throws Exception {
        int batches = 8;
        List<UUID> ids = outbox.addMessages(batches * BATCH);
        RecordingProducer producer = new RecordingProducer().mode(RecordingProducer.Mode.HOLD);
        try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(producer)).minAge(Duration.ZERO)
                .batchSize(BATCH).maxBatchesInFlight(limit).build()) {
            CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(sweeper::sweep, passes);
            for (int released = 0; released < batches; released++) {
                // The sweeper fills its window and then waits: confirm the oldest batch to make room for one more.
                int expected = Math.min(limit, batches - released) * BATCH;
                Await.until(WAIT, () -> expected + " messages waiting for confirms, but " + producer.heldCount()
                        + " were", () -> producer.heldCount() == expected);
                producer.releaseHeld(BATCH);
            }
            assertThat(pass.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(batches * BATCH);
        }
        assertThat(producer.mostHeld()).as("messages sent and unconfirmed at once").isEqualTo(limit * BATCH);
        assertThat(outbox.mostUnsettled()).as("messages claimed and not yet marked dispatched at once")
                .isEqualTo(limit * BATCH);
        assertThat(producer.sent()).extracting(Message::id).containsExactlyElementsOf(ids);
        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void byDefaultASweeperDeletesMessagesDispatchedMoreThanSevenDaysAgoAndKeepDispatchedTurnsThatOff() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryOutbox store = new InMemoryOutbox(clock, 1_000);
        Message old = new Message(MessageHeader.builder(UUID.randomUUID(), "t", MessageType.EVENT).build(),
                MessageBody.EMPTY);
        store.add(List.of(old), OutboxTransaction.NONE);
        store.markDispatched(List.of(old.id()), clock.instant());
        RecordingProducer producer = new RecordingProducer();

        clock.advance(Duration.ofDays(8));
        OutboxSweeper.builder(store, Producers.of(producer)).clock(clock).keepDispatched().build().sweep();
        assertThat(store.get(old.id())).as("kept when asked to").isPresent();
        OutboxSweeper.builder(store, Producers.of(producer)).clock(clock).build().sweep();
        assertThat(store.get(old.id())).as("deleted by default after 7 days").isEmpty();
        assertThat(OutboxSweeper.DEFAULT_RETENTION).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aMessageTheBrokerRefusesFailsAloneTheRestOfItsBatchIsSentAndTheSweepCarriesOn() {
        InMemoryOutbox store = new InMemoryOutbox();
        List<Message> messages = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            messages.add(new Message(MessageHeader.builder(UUID.randomUUID(), "t", MessageType.EVENT).build(),
                    MessageBody.EMPTY));
        }
        UUID poison = messages.get(2).id();
        store.add(messages, OutboxTransaction.NONE);
        List<UUID> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        MessageProducer refusesOne = new MessageProducer() {
            @Override
            public java.util.concurrent.CompletableFuture<Void> send(Message message) {
                if (message.id().equals(poison)) {
                    return java.util.concurrent.CompletableFuture.failedFuture(
                            new ProducerException("over the size limit (test)"));
                }
                sent.add(message.id());
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {}
        };

        int swept = OutboxSweeper.builder(store, Producers.of(refusesOne)).minAge(Duration.ZERO).batchSize(3)
                .build().sweep();

        assertThat(swept).as("every message but the poison one, across all three batches").isEqualTo(6);
        assertThat(sent).hasSize(6).doesNotContain(poison);
        assertThat(store.outstandingCount()).isEqualTo(1);
        assertThat(store.get(poison)).isPresent();
    }

    @Test
    void aMessageTheBrokerKeepsRefusingIsParkedAfterParkAfterPassesAndTheRestFlow() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryOutbox store = new InMemoryOutbox(clock, 1_000);
        Message poison = new Message(MessageHeader.builder(UUID.randomUUID(), "t", MessageType.EVENT).build(),
                MessageBody.EMPTY);
        store.add(List.of(poison), OutboxTransaction.NONE);
        MessageProducer refusing = new MessageProducer() {
            @Override
            public java.util.concurrent.CompletableFuture<Void> send(Message message) {
                return java.util.concurrent.CompletableFuture.failedFuture(
                        new MessageRefusedException("no queue is bound to topic 't' (test)"));
            }

            @Override
            public void close() {}
        };
        OutboxSweeper sweeper = OutboxSweeper.builder(store, Producers.of(refusing)).clock(clock)
                .minAge(Duration.ZERO).parkAfter(3).build();

        for (int pass = 1; pass <= 5; pass++) {
            sweeper.sweep();
            clock.advance(Duration.ofMinutes(2));                      // past the lease
        }

        assertThat(store.parked(10)).singleElement().satisfies(p -> {
            assertThat(p.attempts()).as("parked at the third refusal; not sent again after").isEqualTo(3);
            assertThat(p.reason()).contains("no queue is bound");
        });
        assertThat(store.claimOutstanding(clock.instant(), 10, Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void theNextBatchIsClaimedWhileOneIsBeingSent() throws Exception {
        outbox.addMessages(3 * BATCH);
        AtomicInteger sends = new AtomicInteger();
        MessageProducer slow = new MessageProducer() {
            @Override
            public CompletableFuture<Void> send(Message message) {
                if (sends.getAndIncrement() == 0) {
                    // A publish held up (say by a full confirm window) while the next claim runs alongside.
                    Await.until(WAIT, "the second claim during the first batch's send", () -> outbox.claims() >= 2);
                }
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {}
        };
        try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(slow)).minAge(Duration.ZERO)
                .batchSize(BATCH).maxBatchesInFlight(2).build()) {
            assertThat(passes.submit(sweeper::sweep).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3 * BATCH);
        }
        assertThat(outbox.mostUnsettled()).isLessThanOrEqualTo(2 * BATCH);
        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void onceEarlierBatchesAreConfirmedEveryNextBatchIsStillClaimedWhileOneIsBeingSent() throws Exception {
        int batches = 5;
        outbox.addMessages(batches * BATCH);
        AtomicInteger sends = new AtomicInteger();
        MessageProducer confirmsAtOnce = new MessageProducer() {
            @Override
            public CompletableFuture<Void> send(Message message) {
                int send = sends.getAndIncrement();
                if (send % BATCH == 0) {
                    // The first message of batch k waits until claim k + 1 runs alongside (the claim after the last
                    // batch comes back empty). Earlier batches are confirmed at once, so they hold no room; a
                    // sweeper that only settles them when its window is full claims on this thread after the send.
                    int claim = send / BATCH + 2;
                    Await.until(WAIT.dividedBy(2), "claim " + claim + " while batch " + (claim - 1) + " is sent",
                            () -> outbox.claims() >= claim);
                }
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {}
        };
        try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(confirmsAtOnce))
                .minAge(Duration.ZERO).batchSize(BATCH).maxBatchesInFlight(2).build()) {
            assertThat(passes.submit(sweeper::sweep).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(batches * BATCH);
        }
        assertThat(outbox.claims()).as("one claim per batch and the empty one after").isEqualTo(batches + 1);
        assertThat(outbox.mostUnsettled()).isLessThanOrEqualTo(2 * BATCH);
        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void withOneBatchInFlightEachBatchIsSettledBeforeTheNextIsClaimed() throws Exception {
        outbox.addMessages(4 * BATCH);
        RecordingProducer producer = new RecordingProducer().mode(RecordingProducer.Mode.HOLD);
        try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(producer)).minAge(Duration.ZERO)
                .batchSize(BATCH).maxBatchesInFlight(1).build()) {
            CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(sweeper::sweep, passes);
            for (int batch = 1; batch <= 4; batch++) {
                int claims = batch;
                Await.until(WAIT, "batch " + batch + " sent", () -> producer.heldCount() == BATCH);
                assertThat(outbox.claims()).as("claims while batch " + batch + " waits").isEqualTo(claims);
                producer.releaseHeld(BATCH);
            }
            assertThat(pass.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4 * BATCH);
        }
        assertThat(outbox.mostUnsettled()).isEqualTo(BATCH);
    }

    /** An in-memory outbox that counts claims and the most messages claimed and not yet marked at once. */
    private static final class CountingOutbox implements Outbox {
        private final InMemoryOutbox delegate = new InMemoryOutbox();
        private final AtomicInteger claims = new AtomicInteger();
        private int unsettled;
        private int mostUnsettled;

        List<UUID> addMessages(int count) {
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                messages.add(new Message(MessageHeader.builder(UUID.randomUUID(), "sweep.test", MessageType.COMMAND)
                        .build(), MessageBody.wrap(new byte[] {(byte) i}, "application/octet-stream")));
                // One add each, so that creation order is the order above.
                delegate.add(List.of(messages.get(i)), OutboxTransaction.NONE);
            }
            return messages.stream().map(Message::id).toList();
        }

        int claims() {
            return claims.get();
        }

        synchronized int mostUnsettled() {
            return mostUnsettled;
        }

        @Override public void add(Collection<Message> messages, OutboxTransaction tx) { delegate.add(messages, tx); }
        @Override public Optional<Message> get(UUID id) { return delegate.get(id); }

        @Override
        public List<Message> claimOutstanding(Instant before, int limit, Duration lease) {
            List<Message> claimed = delegate.claimOutstanding(before, limit, lease);
            synchronized (this) {
                unsettled += claimed.size();
                mostUnsettled = Math.max(mostUnsettled, unsettled);
            }
            claims.incrementAndGet();
            return claimed;
        }

        @Override
        public void markDispatched(Collection<UUID> ids, Instant at) {
            delegate.markDispatched(ids, at);
            synchronized (this) {
                unsettled -= ids.size();
            }
        }

        @Override public long outstandingCount() { return delegate.outstandingCount(); }
        @Override public int deleteDispatchedBefore(Instant cutoff) { return delegate.deleteDispatchedBefore(cutoff); }
    }
}
