package dev.courier.samples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelState;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.test.InMemoryCourier;
import java.util.UUID;
import javax.sql.DataSource;
import dev.courier.spi.DeadLetterReason;
import dev.courier.test.Await;
import dev.courier.transport.inmemory.DeadLetter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tasks sample end to end in one JVM, as an application would test itself: the production wiring
 * ({@link TaskApiApplication}, {@link ReminderConsumer}) over the in-memory transport and H2 that
 * {@link InMemoryCourier} provides, driven through the HTTP API.
 */
class TasksEndToEndTest {
    private static final Duration REQUEUE_DELAY = Duration.ofMinutes(1);
    private static final ReminderSettings SETTINGS = new ReminderSettings(3, Duration.ofMillis(1), 2, REQUEUE_DELAY, 2);
    private static final String BODY = "{\"taskName\":\"Water the plants\",\"due\":\"2030-01-01T09:00:00Z\","
            + "\"recipient\":\"%s\"}";

    // snippet extension
    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    private final HttpClient http = HttpClient.newHttpClient();

    private TaskApiApplication startSample(FakeMailGateway mail) {
        courier.broker().declareChannel(TaskReminder.TOPIC, TaskReminder.TOPIC);
        TasksInfrastructure infrastructure = new TasksInfrastructure(courier.producer(), courier.transport(),
                h2(), "in-memory transport + H2 (test)", List.of());
        courier.closeAfter(new ReminderConsumer(infrastructure.transport(), mail, SETTINGS).start());
        return courier.closeAfter(TaskApiApplication.start(infrastructure, 0));
    }

    private DataSource h2() {
        HikariConfig h2 = new HikariConfig();
        h2.setJdbcUrl("jdbc:h2:mem:test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setMaximumPoolSize(4);
        return courier.closeAfter(new HikariDataSource(h2));
    }
    // end extension

    private HttpResponse<String> post(TaskApiApplication app, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReminderPostedToTheApiIsAcceptedStoredMailedAndAcknowledged() throws Exception {
        FakeMailGateway mail = new FakeMailGateway(FakeMailGateway.FailurePlan.never());
        TaskApiApplication app = startSample(mail);

        HttpResponse<String> response = post(app, "/tasks/42/reminders", BODY.formatted("ada@example.com"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).contains("reminderId");
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).startsWith("/tasks/42/reminders/"));
        courier.broker().awaitAcknowledged(TaskReminder.TOPIC, 1, Duration.ofSeconds(10));
        assertThat(mail.sent()).containsExactly(new FakeMailGateway.Mail("ada@example.com",
                "Reminder: Water the plants",
                "Your task 'Water the plants' (42) is due 2030-01-01T09:00:00Z."));
        assertThat(app.reminders().count()).isEqualTo(1);
    }

    @Test
    void aMailGatewayThatFailsOnceIsRetriedWithinOneHandling() throws Exception {
        FakeMailGateway mail = new FakeMailGateway((recipient, attempt) -> attempt == 1);
        TaskApiApplication app = startSample(mail);

        assertThat(post(app, "/tasks/7/reminders", BODY.formatted("grace@example.com")).statusCode()).isEqualTo(202);

        courier.broker().awaitAcknowledged(TaskReminder.TOPIC, 1, Duration.ofSeconds(10));
        assertThat(mail.attempts("grace@example.com")).isEqualTo(2);
        assertThat(mail.sent()).hasSize(1);
        assertThat(courier.broker().stats(TaskReminder.TOPIC).deadLettered()).isZero();
    }

    // snippet deadletter
    @Test
    void aMailGatewayThatAlwaysFailsIsRetriedRequeuedAndThenDeadLettered() throws Exception {
        FakeMailGateway mail = new FakeMailGateway((recipient, attempt) -> true);
        TaskApiApplication app = startSample(mail);

        assertThat(post(app, "/tasks/9/reminders", BODY.formatted("nobody@bounce.invalid")).statusCode())
                .isEqualTo(202);

        // First handling: 3 attempts by the retry policy, then the pump requeues it for REQUEUE_DELAY,
        // and there it stays: the broker's clock does not move until the test moves it.
        Await.until(Duration.ofSeconds(10), "3 attempts, then a requeue",
                () -> mail.attempts("nobody@bounce.invalid") == 3 && courier.delayed(TaskReminder.TOPIC) == 1);
        courier.broker().advanceClock(REQUEUE_DELAY);
        // Second handling, requeued again; the third exhausts requeueCount(2) and dead-letters it.
        Await.until(Duration.ofSeconds(10), "6 attempts, then a requeue",
                () -> mail.attempts("nobody@bounce.invalid") == 6 && courier.delayed(TaskReminder.TOPIC) == 1);
        courier.broker().advanceClock(REQUEUE_DELAY);
        courier.broker().awaitDeadLettered(TaskReminder.TOPIC, 1, Duration.ofSeconds(10));

        assertThat(mail.attempts("nobody@bounce.invalid")).isEqualTo(9);
        assertThat(mail.sent()).isEmpty();
        DeadLetter dead = courier.broker().deadLetters(TaskReminder.TOPIC).get(0);
        assertThat(dead.reason().reason()).isEqualTo("handler-failed");
        assertThat(dead.reason().exceptionType()).isEqualTo(MailGatewayException.class.getName());
        assertThat(dead.message().header().bag())
                .containsEntry(DeadLetterReason.ATTEMPTS, "3")
                .containsEntry(DeadLetterReason.ORIGINAL_TOPIC, TaskReminder.TOPIC);
        assertThat(courier.broker().stats(TaskReminder.TOPIC).acknowledged()).isZero();
    }
    // end deadletter

    @Test
    void theConsumerReportsItsChannelForHealthChecks() throws Exception {
        FakeMailGateway mail = new FakeMailGateway(FakeMailGateway.FailurePlan.never());
        courier.broker().declareChannel(TaskReminder.TOPIC, TaskReminder.TOPIC);
        ReminderConsumer consumer = courier.closeAfter(
                new ReminderConsumer(courier.transport(), mail, SETTINGS).start());

        ChannelState state = consumer.states().get(0);

        assertThat(state.channel()).isEqualTo(TaskReminder.TOPIC);
        assertThat(state.status()).isEqualTo(ChannelState.Status.RUNNING);
        assertThat(consumer.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(consumer.states().get(0).status()).isEqualTo(ChannelState.Status.STOPPED);
    }

    @Test
    void aRequestWithoutRecipientIsRefusedWith400AndNothingIsStoredOrSent() throws Exception {
        TaskApiApplication app = startSample(new FakeMailGateway(FakeMailGateway.FailurePlan.never()));

        HttpResponse<String> response = post(app, "/tasks/1/reminders",
                "{\"taskName\":\"Water the plants\",\"due\":\"2030-01-01T09:00:00Z\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("recipient must not be blank");
        assertThat(app.reminders().count()).isZero();
        assertThat(courier.broker().stats(TaskReminder.TOPIC).unsettled()).isZero();
        assertThat(courier.broker().stats(TaskReminder.TOPIC).acknowledged()).isZero();
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        TaskApiApplication app = startSample(new FakeMailGateway(FakeMailGateway.FailurePlan.never()));

        assertThat(post(app, "/tasks/1/comments", "{}").statusCode()).isEqualTo(404);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.port() + "/tasks/1/reminders")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }
}
