package dev.courier.samples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.courier.ChannelState;
import dev.courier.samples.observe.SampleTelemetry;
import dev.courier.samples.observe.SpanTrees;
import dev.courier.test.Await;
import dev.courier.test.Rabbitmqctl;
import dev.courier.test.TestServices;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tasks sample in its {@code COURIER_MODE=rabbitmq} shape, on the real RabbitMQ and PostgreSQL: the API and the
 * consumer each with connections and pools of their own, as two processes would have. Everything it creates (an
 * exchange, the channel's queues, both tables) carries a random suffix and is removed afterwards.
 */
class TasksOnRabbitMqTest {
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String exchange = "tasks-test-" + suffix;
    private final String channel = "task.reminder." + suffix;
    private final TaskApiApplication.Tables tables =
            new TaskApiApplication.Tables("tasks_outbox_" + suffix, "task_reminders_" + suffix);
    private final ReminderSettings settings =
            new ReminderSettings(3, Duration.ofMillis(1), 1, Duration.ofMillis(200), 2, channel);

    @BeforeEach
    void requireServers() {
        TestServices.requireRabbitMqAndPostgres();
    }

    @AfterEach
    void removeWhatTheTestCreated() throws Exception {
        RabbitMqTransport.deleteTopology(TestServices.RABBITMQ_URI, exchange, channel);
        TestServices.dropTables(TestServices.POSTGRES_URL, tables.outbox(), tables.reminders());
    }

    @Test
    void remindersPostedToTheApiAreHandledByASeparateConsumerAndOneThatAlwaysFailsIsDeadLettered() throws Exception {
        RabbitMqConfig rabbit = RabbitMqConfig.builder().uri(TestServices.RABBITMQ_URI).exchange(exchange).build();
        FakeMailGateway mail = new FakeMailGateway((recipient, attempt) -> recipient.startsWith("bounce"));
        try (TasksInfrastructure consumerSide = TasksInfrastructure.external(rabbit, TestServices.POSTGRES_URL, settings);
                ReminderConsumer consumer = new ReminderConsumer(consumerSide.transport(), mail, settings).start();
                TasksInfrastructure apiSide = TasksInfrastructure.external(rabbit, TestServices.POSTGRES_URL, settings);
                TaskApiApplication api = TaskApiApplication.start(apiSide, 0, tables, Observing.NONE)) {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) {
                String recipient = (i == 7 ? "bounce" : "user") + i + "@example.com";
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + api.port() + "/tasks/" + i + "/reminders"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"taskName\":\"Task " + i
                                + "\",\"due\":\"2030-01-01T09:00:00Z\",\"recipient\":\"" + recipient + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            }

            Await.until(Duration.ofSeconds(30), "19 acknowledged and 1 dead-lettered on " + channel, () -> {
                ChannelState state = consumer.states().get(0);
                return state.acknowledged() == 19 && state.deadLettered() == 1;
            });

            assertThat(mail.sent()).hasSize(19);
            assertThat(mail.attempts("bounce7@example.com")).isEqualTo(6);   // 3 attempts x (1 + requeueCount 1)
            assertThat(api.reminders().count()).isEqualTo(20);
            assertThat(consumer.states().get(0).requeued()).isEqualTo(1);
            assertThat(deadLettersWaiting()).isEqualTo(1);
        }
    }

    /**
     * Issue 17's trace: a client's request (its own {@code traceparent}) → the API's server span → the post, stored
     * with the row while the broker is stopped → a send that fails → the sweeper's send after the broker is back →
     * RabbitMQ → the consumer's handling. One trace, every parent asserted; the metrics agree.
     */
    @Test
    void oneTraceRunsFromTheHttpRequestThroughTheOutboxAndABrokerOutageToTheHandler() throws Exception {
        String clientTrace = "5d0c3b6a4e8f41a7b2c9d0e1f2a3b4c5";
        String clientSpan = "a1b2c3d4e5f60718";
        RabbitMqConfig rabbit = RabbitMqConfig.builder().uri(TestServices.RABBITMQ_URI).exchange(exchange).build();
        FakeMailGateway mail = new FakeMailGateway((recipient, attempt) -> false);
        try (SampleTelemetry telemetry = new SampleTelemetry();
                TasksInfrastructure consumerSide = TasksInfrastructure.external(rabbit, TestServices.POSTGRES_URL, settings);
                ReminderConsumer consumer = new ReminderConsumer(consumerSide.transport(), mail, settings,
                        telemetry.observing(false)).start();
                TasksInfrastructure apiSide = TasksInfrastructure.external(rabbit, TestServices.POSTGRES_URL, settings);
                TaskApiApplication api = TaskApiApplication.start(apiSide, 0, tables, telemetry.observing(true))) {
            HttpResponse<String> response;
            try {
                Rabbitmqctl.stopApp();
                response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + api.port() + "/tasks/42/reminders"))
                        .header("traceparent", "00-" + clientTrace + "-" + clientSpan + "-01")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"taskName\":\"Water the plants\","
                                + "\"due\":\"2030-01-01T09:00:00Z\",\"recipient\":\"ada@example.com\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                Await.until(Duration.ofSeconds(30), "the failed send's span", () -> spans(telemetry,
                        "courier send " + TaskReminder.TOPIC).stream().anyMatch(s -> s.getStatus().getStatusCode()
                                == StatusCode.ERROR));
            } finally {
                Rabbitmqctl.startAppAndWait(TestServices.RABBITMQ_URI);
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            // The broker's confirm of the sweeper's send and the consumer's delivery race: wait for both ends (the
            // handle span, and the send span with the sweeper's count, which end when the confirm is marked).
            Await.until(Duration.ofSeconds(60), "the reminder handled after the outage and its send confirmed",
                    () -> consumer.states().get(0).acknowledged() == 1
                            && !spans(telemetry, "courier handle " + channel).isEmpty()
                            && spans(telemetry, "courier send " + TaskReminder.TOPIC).stream()
                                    .anyMatch(s -> s.getStatus().getStatusCode() != StatusCode.ERROR)
                            && telemetry.registry().get("courier.sweeper.messages").tag("outcome", "sent").counter()
                                    .count() == 1);

            SpanData server = only(telemetry, "POST /tasks/{id}/reminders");
            SpanData post = only(telemetry, "courier post " + TaskReminder.TOPIC);
            SpanData handle = only(telemetry, "courier handle " + channel);
            List<SpanData> sends = spans(telemetry, "courier send " + TaskReminder.TOPIC);
            List<SpanData> failed = sends.stream().filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
                    .toList();
            List<SpanData> sent = sends.stream().filter(s -> s.getStatus().getStatusCode() != StatusCode.ERROR)
                    .toList();
            assertThat(failed).isNotEmpty();
            assertThat(sent).hasSize(1);
            assertThat(telemetry.spans()).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(clientTrace));
            assertThat(server.getParentSpanId()).isEqualTo(clientSpan);
            assertThat(post.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(sends).allSatisfy(send -> assertThat(send.getParentSpanId()).isEqualTo(post.getSpanId()));
            assertThat(handle.getParentSpanId()).isEqualTo(post.getSpanId());
            assertThat(sent.get(0).getStartEpochNanos()).isGreaterThan(failed.get(failed.size() - 1).getEndEpochNanos());
            assertThat(handle.getAttributes().get(AttributeKey.stringKey("courier.outcome"))).isEqualTo("acknowledged");
            System.out.println(SpanTrees.render(telemetry.spans()));

            assertThat(telemetry.registry().get("courier.outbox.messages").tag("event", "not-dispatched").counter()
                    .count()).isEqualTo(failed.size());
            assertThat(telemetry.registry().get("courier.sweeper.messages").tag("outcome", "sent").counter().count())
                    .isEqualTo(1);
            assertThat(telemetry.registry().get("courier.consumer.messages").tag("event", "acknowledged").counter()
                    .count()).isEqualTo(1);
        }
    }

    private static List<SpanData> spans(SampleTelemetry telemetry, String name) {
        return telemetry.spans().stream().filter(span -> span.getName().equals(name)).toList();
    }

    private static SpanData only(SampleTelemetry telemetry, String name) {
        List<SpanData> named = spans(telemetry, name);
        assertThat(named).as(name + " in " + SpanTrees.render(telemetry.spans())).hasSize(1);
        return named.get(0);
    }

    private long deadLettersWaiting() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.RABBITMQ_URI);
        try (Connection connection = factory.newConnection(); Channel amqp = connection.createChannel()) {
            return amqp.messageCount(RabbitMqTransport.deadLetterQueue(channel));
        }
    }
}
