package dev.courier.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.runtime.ChannelControl;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.DeadLetters;
import dev.courier.runtime.Dispatcher;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterFilter;
import dev.courier.spi.DeadLetterQueue;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.Transport;
import dev.courier.samples.tasks.FakeMailGateway;
import dev.courier.samples.tasks.MailTaskReminderHandler;
import dev.courier.samples.tasks.ReminderSettings;
import dev.courier.samples.tasks.TaskReminder;
import dev.courier.test.Await;
import dev.courier.transport.inmemory.InMemoryTransport;
import dev.courier.transport.rabbitmq.QueueType;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    // snippet control
    /** Lets `courier channels` see and steer this instance's channels; the secret comes from the environment. */
    static ChannelControl startControl(Dispatcher dispatcher, Transport transport, Map<String, String> env) {
        byte[] secret = ChannelControl.secret(env.get("COURIER_CONTROL_SECRET"));
        String instance = env.getOrDefault("HOSTNAME", "local"); // stable per instance: it names its control queue
        return ChannelControl.start(dispatcher, transport, "tasks", instance, secret);
    }
    // end control

    // snippet redrive
    /** The tool's redrive, from Java: every reminder that failed in its handler goes back for another try. */
    static long redriveFailedReminders(DeadLetterQueue deadLetters) {
        DeadLetterFilter failed = DeadLetterFilter.builder().reason("handler-failed").type("TaskReminder").build();
        return DeadLetters.over(deadLetters).redrive("task.reminder", failed, null, DeadLetters.Progress.NONE).taken();
    }
    // end redrive

    @Test
    void theControlAndTheRedriveOfTheGuideWorkOnTheInMemoryTransport() {
        InMemoryTransport transport = InMemoryTransport.create();
        ReminderSettings settings = ReminderSettings.DEFAULTS;
        MessageMappers mappers = new MessageMappers().json(TaskReminder.class);
        MessageConsumer failing = transport.createConsumer(ChannelSpec.of(TaskReminder.TOPIC));
        Message reminder = mappers.toMessage(new TaskReminder(UUID.randomUUID(), "t-1", "Pay rent",
                Instant.parse("2026-12-24T09:00:00Z"), "ann@example.com"), Duration.ZERO, Clock.systemUTC());
        transport.producer().send(reminder).join();
        failing.reject(failing.receive(Duration.ofSeconds(5)), new DeadLetterReason("handler-failed", "mail down",
                "java.io.UncheckedIOException", TaskReminder.TOPIC, 3, Instant.now()));
        failing.close();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(TaskReminder.class,
                        new MailTaskReminderHandler(new FakeMailGateway(FakeMailGateway.FailurePlan.never()))))
                .policies(settings.policies()).build()) {
            Dispatcher dispatcher = Dispatcher.builder().processor(processor).mappers(mappers)
                    .subscription(settings.subscription(transport)).build().start();
            byte[] secret = ChannelControl.secret("the operators' secret, 16+ bytes");
            try (ChannelControl control = startControl(dispatcher, transport,
                    Map.of("COURIER_CONTROL_SECRET", "the operators' secret, 16+ bytes", "HOSTNAME", "pod-7"))) {
                assertThat(ChannelControl.request(transport, "tasks", secret, "status", null, Duration.ofSeconds(5), 1))
                        .singleElement().satisfies(reply -> assertThat(reply.instance()).isEqualTo("pod-7"));
                assertThat(redriveFailedReminders(transport.deadLetterQueue())).isEqualTo(1);
                transport.broker().awaitAcknowledged(TaskReminder.TOPIC, 1, Duration.ofSeconds(5));
            }
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
