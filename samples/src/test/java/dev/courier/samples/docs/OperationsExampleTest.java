package dev.courier.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.samples.tasks.FakeMailGateway;
import dev.courier.samples.tasks.MailTaskReminderHandler;
import dev.courier.samples.tasks.ReminderSettings;
import dev.courier.samples.tasks.TaskReminder;
import dev.courier.test.Await;
import dev.courier.transport.inmemory.InMemoryTransport;
import dev.courier.transport.rabbitmq.QueueType;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health check of docs/operations.md, compiled and run; {@link DocSnippetsTest} keeps the page identical. */
class OperationsExampleTest {

    // snippet health
    /** Healthy when every channel is running with all its pumps; otherwise the reasons, for the health endpoint. */
    static List<String> problems(Dispatcher dispatcher, int expectedPerformers) {
        return dispatcher.states().stream()
                .filter(s -> s.status() != ChannelState.Status.RUNNING || s.performers() < expectedPerformers)
                .map(s -> s.channel() + " is " + s.status() + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")")
                        + " with " + s.performers() + " pump(s); " + s.deadLettered() + " dead-lettered so far")
                .toList();
    }
    // end health

    @Test
    void theHealthCheckIsEmptyWhileRunningAndNamesAChannelThatWasShut() {
        InMemoryTransport transport = InMemoryTransport.create();
        ReminderSettings settings = ReminderSettings.DEFAULTS;
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(TaskReminder.class,
                        new MailTaskReminderHandler(new FakeMailGateway(FakeMailGateway.FailurePlan.never()))))
                .policies(settings.policies())
                .build()) {
            Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                    .mappers(new MessageMappers().json(TaskReminder.class))
                    .subscription(settings.subscription(transport))
                    .build().start();

            Await.until(Duration.ofSeconds(5), "both pumps running", () -> problems(dispatcher, 2).isEmpty());
            dispatcher.shut(TaskReminder.TOPIC);
            Await.until(Duration.ofSeconds(5), "the shut channel reported", () -> !problems(dispatcher, 2).isEmpty());

            assertThat(problems(dispatcher, 2)).singleElement().asString()
                    .startsWith("task.reminder is STOPPED (shut by operator)");
            assertThat(dispatcher.stop(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void quorumQueuesAreChosenPerChannelOrForAll() {
        String uri = "amqp://guest:guest@127.0.0.1:5672/%2F";
        // snippet quorum
        RabbitMqConfig oneChannel = RabbitMqConfig.builder().uri(uri)
                .queueType("task.reminder", QueueType.QUORUM)     // this channel; the others stay classic
                .build();
        RabbitMqConfig everyChannel = RabbitMqConfig.builder().uri(uri)
                .defaultQueueType(QueueType.QUORUM)              // every channel
                .build();
        // end quorum

        assertThat(oneChannel.queueType("task.reminder")).isEqualTo(QueueType.QUORUM);
        assertThat(oneChannel.queueType("task.reminder.audit")).isEqualTo(QueueType.CLASSIC);
        assertThat(everyChannel.queueType("anything")).isEqualTo(QueueType.QUORUM);
    }
}
