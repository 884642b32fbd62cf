package dev.courier.samples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.test.Await;
import dev.courier.test.TestServices;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReminderConsumerMain} as the separate process the README runs: started with {@code COURIER_MODE=rabbitmq},
 * it handles what is posted to it, and on SIGTERM (what a container runtime or systemd sends on stop) its shutdown hook stops the Dispatcher gracefully and prints its counts. It uses the
 * sample's own names (exchange {@code courier}, channel {@value TaskReminder#TOPIC}): the channel's queues are
 * emptied before and deleted after.
 */
class ReminderConsumerProcessTest {
    private static final String QUEUE = TaskReminder.TOPIC;

    @BeforeEach
    void requireRabbitMqAndEmptyTheChannel() throws Exception {
        InetSocketAddress rabbit = TestServices.address(TestServices.RABBITMQ_URI, 5672);
        if (!TestServices.answers(rabbit.getHostString(), rabbit.getPort())) {
            TestServices.unavailable("RabbitMQ at " + rabbit);
        }
        deleteQueues();
    }

    @AfterEach
    void deleteTheChannelsQueues() throws Exception {
        deleteQueues();
    }

    @Test
    void sigtermStopsTheConsumerProcessGracefullyAfterItHandledWhatWasPosted() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReminderConsumerMain.class.getName())
                .redirectErrorStream(true);
        builder.environment().put("COURIER_MODE", "rabbitmq");
        builder.environment().put("COURIER_RABBITMQ_URI", TestServices.RABBITMQ_URI);
        Process process = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (java.io.IOException e) {
                output.add("(output lost: " + e + ")");
            }
        }, "consumer-output");
        reader.start();
        try {
            Await.until(Duration.ofSeconds(60), () -> "the consumer to start; it printed " + output,
                    () -> output.stream().anyMatch(l -> l.startsWith("Reminder consumer reading")));
            try (RabbitMqTransport transport = RabbitMqTransport.connect(RabbitMqConfig.of(TestServices.RABBITMQ_URI));
                    CommandProcessor poster = CommandProcessor.builder()
                            .mappers(new MessageMappers().json(TaskReminder.class))
                            .producers(Producers.of(transport.producer())).build()) {
                for (int i = 0; i < 5; i++) {
                    poster.post(new TaskReminder(Request.newId(), "task-" + i, "Task " + i,
                            Instant.parse("2030-01-01T09:00:00Z"), "user" + i + "@example.com"));
                }
            }
            // The consumer's fake gateway fails one call in five; its retries (and, rarely, a requeue 5 s later)
            // still deliver every mail.
            Await.until(Duration.ofSeconds(90), () -> "5 mails; the consumer printed " + output,
                    () -> output.stream().filter(l -> l.startsWith("mailed user")).count() == 5);

            // SIGTERM, through the handle: Process.destroy() would also close the pipe we read the output from.
            assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM; printed %s", output).isTrue();
            reader.join(10_000);
            assertThat(process.exitValue()).as("the JVM's exit status after SIGTERM (128 + 15)").isEqualTo(143);
            assertThat(output).as("what the shutdown hook printed")
                    .contains("Reminder consumer stopped cleanly.")
                    .anyMatch(l -> l.startsWith(QUEUE + ": 5 acknowledged,") && l.endsWith(", 0 dead-lettered"));
        } finally {
            process.destroyForcibly();
        }
    }

    private static void deleteQueues() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.RABBITMQ_URI);
        try (Connection connection = factory.newConnection(); Channel amqp = connection.createChannel()) {
            for (String queue : new String[] {QUEUE, RabbitMqTransport.deadLetterQueue(QUEUE)}) {
                amqp.queueDelete(queue);
            }
        }
    }
}
