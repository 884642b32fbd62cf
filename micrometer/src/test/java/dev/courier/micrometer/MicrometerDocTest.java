package dev.courier.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.Outbox;
import dev.courier.store.InMemoryOutbox;
import dev.courier.test.InMemoryCourier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Micrometer snippet of docs/observability.md, run on the in-memory transport. */
class MicrometerDocTest {
    record TaskReminder(UUID id, String taskName) implements Command {}

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    @Test
    void theSnippetRecordsAHandling() {
        MeterRegistry registry = new SimpleMeterRegistry(); // Prometheus, OTLP, ... in an application
        Outbox outbox = new InMemoryOutbox();
        HandlerRegistry handlers = new HandlerRegistry().register(TaskReminder.class, reminder -> {});
        MessageMappers mappers = new MessageMappers().json(TaskReminder.class, "task.reminder");
        Producers producers = Producers.of(courier.transport());
        Subscription subscription = Subscription.builder("task.reminder", TaskReminder.class)
                .transport(courier.transport()).build();
        // snippet micrometer
        CourierMetrics metrics = CourierMetrics.builder(registry).outbox(outbox).build();
        CommandProcessor processor = CommandProcessor.builder()
                .handlers(handlers).mappers(mappers).producers(producers).outbox(outbox)
                .listener(metrics)
                .build();
        Dispatcher dispatcher = Dispatcher.builder().processor(processor).subscription(subscription).build().start();
        OutboxSweeper sweeper = OutboxSweeper.builder(outbox, producers).listener(metrics).build().start();
        // end micrometer
        courier.closeAfter(processor);
        courier.closeAfter(dispatcher);
        courier.closeAfter(sweeper);

        processor.post(new TaskReminder(Request.newId(), "water the plants"));

        courier.broker().awaitAcknowledged("task.reminder", 1, Duration.ofSeconds(10));
        dispatcher.stop(Duration.ofSeconds(10));
        assertThat(registry.get(CourierMetrics.HANDLING).tag("outcome", "success").timer().count()).isEqualTo(1);
    }
}
