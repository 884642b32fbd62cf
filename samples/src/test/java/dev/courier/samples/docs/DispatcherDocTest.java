package dev.courier.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.HandlerRegistry;
import dev.courier.MessageRecoverer;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.samples.tasks.FakeMailGateway;
import dev.courier.samples.tasks.MailTaskReminderHandler;
import dev.courier.samples.tasks.ReminderSettings;
import dev.courier.samples.tasks.TaskReminder;
import dev.courier.spi.MessageProducer;
import dev.courier.test.InMemoryCourier;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/dispatcher.md's snippets, compiled and run on the in-memory transport; DocSnippetsTest keeps them equal. */
class DispatcherDocTest {
    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    @Test
    void theDispatcherOfThePageHandlesAReminder() {
        FakeMailGateway mail = new FakeMailGateway((recipient, attempt) -> false);
        var transport = courier.transport();
        // snippet dispatcher
        CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(TaskReminder.class, new MailTaskReminderHandler(mail)))
                .policies(ReminderSettings.DEFAULTS.policies())     // its retry and circuit breaker
                .mappers(new MessageMappers().json(TaskReminder.class, "task.reminder"))
                .producers(Producers.of(transport))
                .build();

        Dispatcher dispatcher = Dispatcher.builder()
                .processor(processor)
                .subscription(Subscription.builder("task.reminder", TaskReminder.class)
                        .transport(transport)             // the transport makes one consumer per performer
                        .performers(2).prefetch(50)
                        .requeueCount(3).requeueDelay(Duration.ofSeconds(5))
                        .build())
                .build();
        dispatcher.start();
        // end dispatcher
        courier.closeAfter(processor);
        courier.closeAfter(dispatcher);
        processor.post(new TaskReminder(Request.newId(), "42", "Water the plants", Instant.now(), "ada@example.com"));
        courier.broker().awaitAcknowledged("task.reminder", 1, Duration.ofSeconds(10));
        assertThat(mail.attempts("ada@example.com")).isEqualTo(1);
    }

    @Test
    void theRecovererOfThePageTakesAGivenUpMessageToAnErrorTopic() {
        var transport = courier.transport();
        courier.broker().declareChannel("errors", "errors");
        MessageProducer errors = courier.producer();
        FakeMailGateway mail = new FakeMailGateway((recipient, attempt) -> true);   // always fails
        // snippet recoverer
        MessageRecoverer toErrorTopic = (message, reason) -> {
            errors.send(message.withHeader(message.header().toBuilder().topic("errors").build())).join();
            return MessageRecoverer.Recovery.ACKNOWLEDGE;              // safe in "errors" now
        };
        Subscription.builder("task.reminder", TaskReminder.class).transport(transport).recoverer(toErrorTopic).build();
        // end recoverer
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(TaskReminder.class, new MailTaskReminderHandler(mail)))
                .policies(ReminderSettings.DEFAULTS.policies())
                .mappers(new MessageMappers().json(TaskReminder.class, "task.reminder"))
                .producers(Producers.of(transport)).build());
        courier.closeAfter(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("task.reminder", TaskReminder.class).transport(transport)
                        .requeueCount(0).recoverer(toErrorTopic).build())
                .build().start());
        processor.post(new TaskReminder(Request.newId(), "42", "Water the plants", Instant.now(), "ada@example.com"));
        courier.broker().awaitAcknowledged("task.reminder", 1, Duration.ofSeconds(10));
        assertThat(courier.broker().stats("errors").ready()).isEqualTo(1);
        assertThat(courier.broker().deadLetters("task.reminder")).isEmpty();
    }
}
