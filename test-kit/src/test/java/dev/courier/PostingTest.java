package dev.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.mapping.MessageMappers;
import dev.courier.mapping.Topic;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.CommandProcessorBuilder;
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
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class PostingTest {
    @Topic("task.reminder")
    record TaskReminder(UUID id, String taskName) implements Command {}

    @Topic("task.other")
    record Other(UUID id) implements Command {}

    private final RecordingProducer producer = new RecordingProducer();
    private final InMemoryOutbox outbox = new InMemoryOutbox();

    private CommandProcessor processor() {
        return CommandProcessor.builder()
                .mappers(new MessageMappers().json(TaskReminder.class))
                .producers(Producers.of(producer))
                .outbox(outbox)
                .confirmTimeout(Duration.ofMillis(300))
                .build();
    }

    @Test
    void postStoresSendsAndMarksTheMessageDispatched() {
        TaskReminder reminder = new TaskReminder(Request.newId(), "taxes");
        try (CommandProcessor processor = processor()) {
            assertThat(processor.post(reminder)).isEqualTo(reminder.id());
        }
        assertThat(producer.sent()).extracting(Message::id).containsExactly(reminder.id());
        assertThat(outbox.get(reminder.id())).isPresent();
        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void aBuilderUsedTwiceGivesEachProcessorItsOwnDefaultOutboxAndASnapshotOfTheMappers() {
        MessageMappers mappers = new MessageMappers().json(TaskReminder.class);
        CommandProcessorBuilder builder = CommandProcessor.builder().mappers(mappers)
                .producers(Producers.of(producer));
        TaskReminder reminder = new TaskReminder(Request.newId(), "once");
        try (CommandProcessor first = builder.build(); CommandProcessor second = builder.build()) {
            first.post(reminder);
            assertThatThrownBy(() -> second.repost(reminder.id())).isInstanceOf(OutboxException.class)
                    .hasMessageContaining(reminder.id().toString());
            mappers.json(Other.class);                       // registered after both were built
            assertThatThrownBy(() -> first.post(new Other(Request.newId())))
                    .hasMessageContaining(Other.class.getName());
        }
    }

    @Test
    void aReplyToAnAddressThatIsNoReplyAddressIsRefusedAndNothingIsSent() {
        Message request = new Message(MessageHeader.builder(UUID.randomUUID(), "orders", MessageType.COMMAND)
                .replyTo("orders.work").build(), MessageBody.json("{}"));
        try (CommandProcessor processor = CommandProcessor.builder()
                .mappers(new MessageMappers().reply(Answer.class)).producers(Producers.of(producer)).build()) {
            assertThatThrownBy(() -> processor.reply(new Answer(Request.newId(), request.id()), request))
                    .isInstanceOf(CourierException.class).hasMessageContaining("'orders.work'")
                    .hasMessageContaining("not a reply address");
        }
        assertThat(producer.sent()).isEmpty();
        assertThatThrownBy(() -> CommandProcessor.builder().replyAddress("orders.work"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("courier.reply.");
    }

    record Answer(UUID id, UUID correlationId) implements Reply {}

    @Test
    void postWithADelayPutsTheDelayInTheHeader() {
        try (CommandProcessor processor = processor()) {
            processor.post(new TaskReminder(Request.newId(), "later"), Duration.ofSeconds(7));
        }
        assertThat(producer.sent().get(0).header().delay()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aRefusedSendFailsThePostAndLeavesTheMessageOutstanding() {
        producer.mode(RecordingProducer.Mode.FAIL);
        TaskReminder reminder = new TaskReminder(Request.newId(), "taxes");
        try (CommandProcessor processor = processor()) {
            assertThatThrownBy(() -> processor.post(reminder)).isInstanceOf(ProducerException.class)
                    .hasMessageContaining("task.reminder").hasMessageContaining("stay outstanding");
        }
        assertThat(outbox.outstandingCount()).isEqualTo(1);
    }

    @Test
    void anUnconfirmedSendTimesOutAndLeavesTheMessageOutstanding() {
        producer.mode(RecordingProducer.Mode.NEVER_CONFIRM);
        try (CommandProcessor processor = processor()) {
            assertThatThrownBy(() -> processor.post(new TaskReminder(Request.newId(), "t")))
                    .isInstanceOf(ProducerException.class).hasMessageContaining("not confirmed within 300 ms");
        }
        assertThat(outbox.outstandingCount()).isEqualTo(1);
    }

    @Test
    void postAsyncFailsItsStageWhenTheBrokerRefuses() {
        producer.mode(RecordingProducer.Mode.FAIL);
        try (CommandProcessor processor = processor()) {
            assertThatThrownBy(() -> processor.postAsync(new TaskReminder(Request.newId(), "t")).toCompletableFuture()
                    .join()).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ProducerException.class);
        }
    }

    @Test
    void depositPostStoresWithoutSendingAndClearOutboxSendsLater() {
        try (CommandProcessor processor = processor()) {
            List<UUID> ids = processor.depositPost(List.of(new TaskReminder(Request.newId(), "a"),
                    new TaskReminder(Request.newId(), "b")), OutboxTransaction.NONE);
            assertThat(producer.sent()).isEmpty();
            assertThat(outbox.outstandingCount()).isEqualTo(2);

            processor.clearOutbox(ids);
            assertThat(producer.sent()).extracting(Message::id).containsExactlyElementsOf(ids);
            assertThat(outbox.outstandingCount()).isZero();
        }
    }

    @Test
    void repostSendsAStoredMessageAgain() {
        try (CommandProcessor processor = processor()) {
            UUID id = processor.post(new TaskReminder(Request.newId(), "a"));
            processor.repost(id);
        }
        assertThat(producer.sent()).hasSize(2);
        assertThat(producer.sent().get(0)).isEqualTo(producer.sent().get(1));
    }

    @Test
    void clearingOrRepostingAnUnknownIdNamesIt() {
        UUID unknown = UUID.randomUUID();
        try (CommandProcessor processor = processor()) {
            assertThatThrownBy(() -> processor.repost(unknown)).isInstanceOf(OutboxException.class)
                    .hasMessageContaining(unknown.toString());
            assertThatThrownBy(() -> processor.clearOutbox(unknown)).isInstanceOf(OutboxException.class)
                    .hasMessageContaining(unknown.toString());
        }
    }

    @Test
    void aTopicWithoutProducerFailsWhenTheProcessorIsBuilt() {
        assertThatThrownBy(() -> CommandProcessor.builder()
                .mappers(new MessageMappers().json(TaskReminder.class).json(Other.class))
                .producers(new Producers().add("task.reminder", producer))
                .build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'task.other'");
    }

    @Test
    void postingNullSaysSo() {
        try (CommandProcessor processor = processor()) {
            assertThatThrownBy(() -> processor.post(null)).isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void theSweeperSendsOutstandingMessagesOldestFirstOnceTheyAreOldEnough() {
        producer.mode(RecordingProducer.Mode.FAIL);
        List<UUID> posted;
        try (CommandProcessor processor = processor()) {
            posted = processor.depositPost(List.of(new TaskReminder(Request.newId(), "1"),
                    new TaskReminder(Request.newId(), "2"), new TaskReminder(Request.newId(), "3")),
                    OutboxTransaction.NONE);
        }
        producer.mode(RecordingProducer.Mode.CONFIRM);
        try (OutboxSweeper young = OutboxSweeper.builder(outbox, Producers.of(producer))
                .minAge(Duration.ofHours(1)).build()) {
            assertThat(young.sweep()).isZero();
        }
        try (OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(producer)).minAge(Duration.ZERO)
                .batchSize(2).build()) {
            assertThat(sweeper.sweep()).isEqualTo(3);
            assertThat(sweeper.sweep()).isZero();
        }
        assertThat(producer.sent()).extracting(Message::id).containsExactlyElementsOf(posted);
        assertThat(outbox.outstandingCount()).isZero();
    }

    @Test
    void aSweeperWithARetentionDeletesMessagesDispatchedLongerAgoThanThat() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryOutbox kept = new InMemoryOutbox(clock, 100, 100);
        UUID old;
        UUID recent;
        try (CommandProcessor processor = CommandProcessor.builder().clock(clock)
                .mappers(new MessageMappers().json(TaskReminder.class)).producers(Producers.of(producer))
                .outbox(kept).build()) {
            old = processor.post(new TaskReminder(Request.newId(), "old"));
            clock.advance(Duration.ofMinutes(50));
            recent = processor.post(new TaskReminder(Request.newId(), "recent"));
        }
        clock.advance(Duration.ofMinutes(20));
        try (OutboxSweeper sweeper = OutboxSweeper.builder(kept, Producers.of(producer)).clock(clock)
                .retention(Duration.ofHours(1)).build()) {
            assertThat(sweeper.sweep()).isZero();
        }
        assertThat(kept.get(old)).isEmpty();
        assertThat(kept.get(recent)).isPresent();
    }

    @Test
    void aSweeperThatKeepsDispatchedMessagesDeletesNothingEvenAYearLater() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryOutbox kept = new InMemoryOutbox(clock, 100, 100);
        UUID id;
        try (CommandProcessor processor = CommandProcessor.builder().clock(clock)
                .mappers(new MessageMappers().json(TaskReminder.class)).producers(Producers.of(producer))
                .outbox(kept).build()) {
            id = processor.post(new TaskReminder(Request.newId(), "old"));
        }
        clock.advance(Duration.ofDays(365));
        try (OutboxSweeper sweeper = OutboxSweeper.builder(kept, Producers.of(producer)).clock(clock)
                .keepDispatched().build()) {
            sweeper.sweep();
        }
        assertThat(kept.get(id)).isPresent();
    }

    /** Records which thread marked messages dispatched. */
    private static final class ThreadRecordingOutbox implements Outbox {
        final InMemoryOutbox delegate = new InMemoryOutbox();
        volatile Thread markedOn;

        @Override public void add(Collection<Message> messages, OutboxTransaction tx) { delegate.add(messages, tx); }
        @Override public Optional<Message> get(UUID id) { return delegate.get(id); }
        @Override public List<Message> claimOutstanding(Instant before, int limit, Duration lease) {
            return delegate.claimOutstanding(before, limit, lease);
        }
        @Override public void markDispatched(Collection<UUID> ids, Instant at) {
            markedOn = Thread.currentThread();
            delegate.markDispatched(ids, at);
        }
        @Override public long outstandingCount() { return delegate.outstandingCount(); }
        @Override public int deleteDispatchedBefore(Instant cutoff) { return delegate.deleteDispatchedBefore(cutoff); }
    }

    @Test
    void aSendConfirmedAsItIsAcceptedIsMarkedDispatchedOnThePostingThread() {
        ThreadRecordingOutbox recording = new ThreadRecordingOutbox();
        try (CommandProcessor processor = CommandProcessor.builder()
                .mappers(new MessageMappers().json(TaskReminder.class)).producers(Producers.of(producer))
                .outbox(recording).build()) {
            processor.post(new TaskReminder(Request.newId(), "now"));
        }
        assertThat(recording.markedOn).isSameAs(Thread.currentThread());
    }

    @Test
    void aLateConfirmIsMarkedOnTheProcessorsExecutorEvenAfterThePostTimedOut() throws Exception {
        ThreadRecordingOutbox recording = new ThreadRecordingOutbox();
        CompletableFuture<Void> confirm = new CompletableFuture<>();
        MessageProducer late = new MessageProducer() {
            @Override public CompletableFuture<Void> send(Message message) { return confirm; }
            @Override public void close() {}
        };
        try (CommandProcessor processor = CommandProcessor.builder()
                .mappers(new MessageMappers().json(TaskReminder.class)).producers(Producers.of(late))
                .outbox(recording).confirmTimeout(Duration.ofMillis(100)).build()) {
            assertThatThrownBy(() -> processor.post(new TaskReminder(Request.newId(), "late")))
                    .isInstanceOf(ProducerException.class).hasMessageContaining("not confirmed within 100 ms");
            assertThat(recording.outstandingCount()).isEqualTo(1);

            Thread io = new Thread(() -> confirm.complete(null), "broker-io");
            io.start();
            io.join();

            Await.until(Duration.ofSeconds(5), "the late confirm is marked", () -> recording.outstandingCount() == 0);
        }
        assertThat(recording.markedOn.getName()).startsWith("courier-worker");
    }

    /**
     * postAsync whose confirm comes later, from the broker's thread: a confirmed one completes with its id, marked on
     * the processor's executor; a refused one fails its stage with a ProducerException, tells the listener once, off
     * the broker's thread, and stays outstanding.
     */
    @Test
    void postAsyncConfirmedOrRefusedLaterCompletesItsStageOffTheBrokersThread() throws Exception {
        ThreadRecordingOutbox recording = new ThreadRecordingOutbox();
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        CompletableFuture<Void> refused = new CompletableFuture<>();
        java.util.Queue<CompletableFuture<Void>> confirms =
                new java.util.concurrent.ConcurrentLinkedQueue<>(List.of(confirmed, refused));
        MessageProducer late = new MessageProducer() {
            @Override public CompletableFuture<Void> send(Message message) { return confirms.poll(); }
            @Override public void close() {}
        };
        List<String> notDispatched = new java.util.concurrent.CopyOnWriteArrayList<>();
        CourierListener listener = new CourierListener() {
            @Override public void notDispatched(Message message, Throwable cause) {
                notDispatched.add(message.id() + " on " + Thread.currentThread().getName());
            }
        };
        TaskReminder first = new TaskReminder(Request.newId(), "confirmed");
        TaskReminder second = new TaskReminder(Request.newId(), "refused");
        try (CommandProcessor processor = CommandProcessor.builder()
                .mappers(new MessageMappers().json(TaskReminder.class)).producers(Producers.of(late))
                .outbox(recording).listener(listener).build()) {
            CompletableFuture<UUID> ok = processor.postAsync(first).toCompletableFuture();
            CompletableFuture<UUID> nack = processor.postAsync(second).toCompletableFuture();
            Thread io = new Thread(() -> {
                confirmed.complete(null);
                refused.completeExceptionally(new IllegalStateException("nack from the broker"));
            }, "broker-io");
            io.start();
            io.join();

            assertThat(ok.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(first.id());
            assertThatThrownBy(() -> nack.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ProducerException.class).hasMessageContaining("nack from the broker");
            assertThat(recording.markedOn.getName()).startsWith("courier-worker");
            assertThat(notDispatched).singleElement().asString().startsWith(second.id() + " on ")
                    .doesNotContain("broker-io");
            assertThat(recording.get(second.id())).isPresent();
            assertThat(recording.outstandingCount()).as("the refused one stays outstanding").isEqualTo(1);
        }
    }

    @Test
    void aSweeperNeedsALeaseLongerThanItsConfirmTimeout() {
        assertThatThrownBy(() -> OutboxSweeper.builder(outbox, Producers.of(producer))
                .lease(Duration.ofSeconds(1)).confirmTimeout(Duration.ofSeconds(2)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lease");
    }

    @Test
    void outboxClaimsAreLeasedSoASecondSweeperDoesNotTakeTheSameBatch() {
        outbox.add(List.of(messageFor(new TaskReminder(Request.newId(), "x"))), OutboxTransaction.NONE);
        assertThat(outbox.claimOutstanding(Instant.now(), 10, Duration.ofMinutes(1))).hasSize(1);
        assertThat(outbox.claimOutstanding(Instant.now(), 10, Duration.ofMinutes(1))).isEmpty();
    }

    private static Message messageFor(Request request) {
        return new MessageMappers().json(TaskReminder.class).toMessage(request, Duration.ZERO,
                java.time.Clock.systemUTC());
    }
}
