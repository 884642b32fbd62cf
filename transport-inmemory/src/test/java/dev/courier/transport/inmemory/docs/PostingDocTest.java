package dev.courier.transport.inmemory.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.mapping.Topic;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.OutboxTransaction;
import dev.courier.steps.UseInbox;
import dev.courier.store.InMemoryOutbox;
import dev.courier.transport.inmemory.InMemoryTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Mirrors the opening snippet of docs/posting.md; keep the two in step. */
class PostingDocTest {

    // --- snippet: types ---
    @Topic("task.reminder")
    public record TaskReminder(UUID id, String taskName, Instant due) implements Command {}

    public static final class ReminderHandler implements RequestHandler<TaskReminder> {
        final List<String> reminded = new CopyOnWriteArrayList<>();

        @UseInbox(step = 1)      // at-least-once delivery: handle each message id once
        @Override
        public void handle(TaskReminder reminder) {
            reminded.add(reminder.taskName());
        }
    }
    // --- end snippet ---

    @Test
    void theSnippetRuns() throws Exception {
        ReminderHandler handler = new ReminderHandler();
        Instant due = Instant.parse("2026-04-15T09:00:00Z");
        InMemoryTransport transport = InMemoryTransport.create();
        UUID id;

        // --- snippet: use ---
        InMemoryOutbox outbox = new InMemoryOutbox();
        Producers producers = Producers.of(transport.producer());

        try (CommandProcessor processor = CommandProcessor.builder()
                     .handlers(new HandlerRegistry().register(TaskReminder.class, handler))
                     .mappers(new MessageMappers().json(TaskReminder.class))   // topic from @Topic
                     .producers(producers)
                     .outbox(outbox)
                     .build();
             Dispatcher dispatcher = Dispatcher.builder()
                     .processor(processor)
                     .subscription(Subscription.builder("task.reminder", TaskReminder.class).transport(transport).build())
                     .build()
                     .start();
             OutboxSweeper sweeper = OutboxSweeper.builder(outbox, producers)
                     .minAge(Duration.ofSeconds(5))      // leave young messages to the post that is sending them
                     .retention(Duration.ofHours(1))     // delete dispatched messages after an hour
                     .build()
                     .start()) {

            id = processor.post(new TaskReminder(Request.newId(), "taxes", due));   // returns once confirmed
            processor.post(new TaskReminder(Request.newId(), "later", due), Duration.ofSeconds(1));
            processor.postAsync(new TaskReminder(Request.newId(), "async", due))
                    .toCompletableFuture().join();

            List<UUID> ids = processor.depositPost(List.of(          // inside your own transaction
                    new TaskReminder(Request.newId(), "a", due),
                    new TaskReminder(Request.newId(), "b", due)), OutboxTransaction.NONE);
            processor.clearOutbox(ids);                              // after it committed

            processor.repost(id);   // sent again; @UseInbox keeps the handler from running twice
            // --- end snippet ---

            transport.broker().awaitAcknowledged("task.reminder", 6, Duration.ofSeconds(10));
        }

        assertThat(handler.reminded).containsExactlyInAnyOrder("taxes", "later", "async", "a", "b");
        assertThat(transport.broker().deadLetters("task.reminder")).isEmpty();
        assertThat(outbox.outstandingCount()).isZero();
        assertThat(outbox.get(id)).isPresent();
    }
}
