package dev.courier.samples.tasks;

import dev.courier.ChannelState;
import dev.courier.spi.Transport;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The reminder consumer as a console application of its own ({@code COURIER_MODE=rabbitmq}): hosts a
 * {@link dev.courier.runtime.Dispatcher} until Ctrl-C or SIGTERM, then stops it gracefully, letting the reminders in
 * progress finish. Run as many as you like: they are competing consumers of one queue.
 */
public final class ReminderConsumerMain {
    private ReminderConsumerMain() {}

    public static void main(String[] args) throws InterruptedException {
        TasksConfig config = TasksConfig.fromEnvironment(System.getenv());
        if (config.mode() != TasksConfig.Mode.RABBITMQ) {
            System.err.println("In the embedded mode the consumer runs inside TaskApiMain (an in-memory broker cannot be "
                    + "shared between processes). Set COURIER_MODE=rabbitmq to run it on its own.");
            System.exit(2);
        }
        ReminderSettings settings = ReminderSettings.DEFAULTS;
        RabbitMqTransport rabbit = RabbitMqTransport.connect(RabbitMqConfig.of(config.rabbitMqUri()));
        Transport transport = rabbit;
        // A fake gateway that fails one call in five: the retry policy, the requeues and (rarely) the dead letters show.
        MailGateway mail = MailGateway.printing(
                new FakeMailGateway(FakeMailGateway.FailurePlan.random(0.2, System.nanoTime())), System.out);
        // snippet shutdown
        ReminderConsumer consumer = new ReminderConsumer(transport, mail, settings).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The JVM runs shutdown hooks on SIGTERM and Ctrl-C (SIGINT). Stop fetching, let handlers finish.
            boolean clean = consumer.stop(Duration.ofSeconds(20));
            rabbit.close();
            for (ChannelState state : consumer.states()) {
                System.out.println(state.channel() + ": " + state.acknowledged() + " acknowledged, "
                        + state.requeued() + " requeued, " + state.deadLettered() + " dead-lettered");
            }
            System.out.println(clean ? "Reminder consumer stopped cleanly." : "Reminder consumer stopped; some handlers were cut short.");
            stopped.countDown();
        }, "reminders-shutdown"));
        // end shutdown

        System.out.println("Reminder consumer reading '" + TaskReminder.TOPIC + "' on " + rabbit.config().address()
                + " with " + settings.performers() + " pumps. Stop with Ctrl-C.");
        // snippet shutdown
        stopped.await();   // main stays alive until the hook has run
        // end shutdown
    }
}
