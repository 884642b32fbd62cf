package dev.courier.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.CourierListener;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.CourierHealth;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.Health;
import dev.courier.spi.DeadLetterReason;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The snippet of docs/observability.md, run on the in-memory transport. */
class ObservabilityDocTest {
    record TaskReminder(UUID id, String taskName) implements Command {}

    // snippet listener
    /** Counts handlings, failures and dead letters, and sums handling time. */
    static final class Counting implements CourierListener {
        final LongAdder handled = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder deadLettered = new LongAdder();
        final LongAdder handlingNanos = new LongAdder();

        @Override
        public void handled(String channel, Message message, long nanos, Throwable failure) {
            (failure == null ? handled : failed).increment();
            handlingNanos.add(nanos);
        }

        @Override
        public void deadLettered(String channel, Message message, DeadLetterReason reason) {
            deadLettered.increment();
        }
    }
    // end listener

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    @Test
    void theCountingListenerCountsWhatTheDispatcherDid() {
        HandlerRegistry handlers = new HandlerRegistry().register(TaskReminder.class, reminder -> {});
        MessageMappers mappers = new MessageMappers().json(TaskReminder.class, "task.reminder");
        Producers producers = Producers.of(courier.transport());
        Subscription subscription = Subscription.builder("task.reminder", TaskReminder.class)
                .transport(courier.transport()).build();
        // snippet wiring
        Counting counting = new Counting();
        CommandProcessor processor = CommandProcessor.builder()
                .handlers(handlers).mappers(mappers).producers(producers)
                .listener(counting)          // posting, in-process handling, and the Dispatcher built on it
                .build();
        Dispatcher dispatcher = Dispatcher.builder().processor(processor).subscription(subscription).build().start();
        // end wiring
        courier.closeAfter(processor);
        courier.closeAfter(dispatcher);

        processor.post(new TaskReminder(Request.newId(), "water the plants"));

        Await.until(Duration.ofSeconds(10), () -> "one handling counted", () -> counting.handled.sum() == 1);
        assertThat(counting.failed.sum()).isZero();
        assertThat(counting.handlingNanos.sum()).isPositive();
    }

    @Test
    void theHealthSnippetReportsUp() {
        HandlerRegistry handlers = new HandlerRegistry().register(TaskReminder.class, reminder -> {});
        MessageMappers mappers = new MessageMappers().json(TaskReminder.class, "task.reminder");
        Producers producers = Producers.of(courier.transport());
        dev.courier.spi.Outbox outbox = new dev.courier.store.InMemoryOutbox();
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder().handlers(handlers)
                .mappers(mappers).producers(producers).outbox(outbox).build());
        Dispatcher dispatcher = courier.closeAfter(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("task.reminder", TaskReminder.class)
                        .transport(courier.transport()).build()).build().start());
        dev.courier.runtime.OutboxSweeper sweeper = courier.closeAfter(
                dev.courier.runtime.OutboxSweeper.builder(outbox, producers).build());
        sweeper.sweep();
        // snippet health
        CourierHealth health = CourierHealth.builder()
                .dispatcher(dispatcher)                          // each channel: FAILING or STOPPED is DOWN
                .outbox(outbox, 10_000)                          // DEGRADED past 10,000 outstanding
                .sweeper(sweeper, Duration.ofMinutes(1))         // DEGRADED when no pass ended for a minute
                .build();
        Health now = health.check();                             // UP, DEGRADED or DOWN, with one check per part
        String line = now.summary();                             // "UP", or the status and what is not UP
        // end health
        assertThat(now.status()).isEqualTo(Health.Status.UP);
        assertThat(line).isEqualTo("UP");
    }
}
