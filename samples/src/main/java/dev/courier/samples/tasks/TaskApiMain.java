package dev.courier.samples.tasks;

import dev.courier.transport.inmemory.InMemoryBroker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the task API. With {@code COURIER_MODE=embedded} (the default) it also runs the reminder consumer in this
 * JVM, on an in-memory broker and H2; with {@code COURIER_MODE=rabbitmq} it posts to RabbitMQ and stores in
 * PostgreSQL, and {@link ReminderConsumerMain} handles the reminders in another process. See {@link TasksConfig}.
 */
public final class TaskApiMain {
    private TaskApiMain() {}

    public static void main(String[] args) throws InterruptedException {
        TasksConfig config = TasksConfig.fromEnvironment(System.getenv());
        ReminderSettings settings = ReminderSettings.DEFAULTS;
        TasksInfrastructure infrastructure = config.mode() == TasksConfig.Mode.EMBEDDED
                ? TasksInfrastructure.embedded(InMemoryBroker.create())
                : TasksInfrastructure.external(config, settings);
        ReminderConsumer consumer = config.mode() == TasksConfig.Mode.EMBEDDED
                ? new ReminderConsumer(infrastructure.transport(),
                        MailGateway.printing(new FakeMailGateway(FakeMailGateway.FailurePlan.random(0.2, System.nanoTime())),
                                System.out), settings).start()
                : null;
        TaskApiApplication api = TaskApiApplication.start(infrastructure, config.httpPort());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();                                          // no new reminders
            boolean clean = consumer == null || consumer.stop(Duration.ofSeconds(20));
            infrastructure.close();
            System.out.println(clean ? "Task API stopped cleanly." : "Task API stopped; some handlers were cut short.");
            stopped.countDown();
        }, "tasks-shutdown"));

        System.out.println("Task API on http://127.0.0.1:" + api.port() + " over " + infrastructure.description()
                + (consumer != null ? ", reminder consumer in this JVM" : "; start ReminderConsumerMain to handle reminders"));
        System.out.println("Try: curl -i -X POST http://127.0.0.1:" + api.port() + "/tasks/42/reminders "
                + "-H 'Content-Type: application/json' "
                + "-d '{\"taskName\":\"Water the plants\",\"due\":\"2030-01-01T09:00:00Z\",\"recipient\":\"ada@example.com\"}'");
        System.out.println("Stop with Ctrl-C.");
        stopped.await();
    }
}
