package dev.courier.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.test.Await;
import dev.courier.test.TestServices;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Boot sample started as its users start it ({@code SpringApplication}, Tomcat on a free port, its own
 * application.properties) against the real PostgreSQL and RabbitMQ: a reminder posted over HTTP is mailed exactly
 * once, and the actuator shows Courier's health and meters. The exchange and outbox table are the run's own.
 */
class TasksBootApplicationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHANNEL = "task-reminders";

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String exchange = "boot-sample-" + suffix;
    private final String outbox = "boot_outbox_" + suffix;
    private ConfigurableApplicationContext application;

    @BeforeEach
    void start() {
        TestServices.requireRabbitMqAndPostgres();
        URI rabbit = URI.create(TestServices.RABBITMQ_URI);
        // Command-line arguments, as an operator overrides the sample: they outrank application.properties, where
        // default properties (SpringApplicationBuilder.properties) do not; the sample's own outbox table stayed
        // behind after every run that way. The topic is the sample's own (@Topic on TaskReminder).
        application = new SpringApplicationBuilder(TasksBootApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + TestServices.POSTGRES_URL,
                "--spring.rabbitmq.host=" + rabbit.getHost(),
                "--spring.rabbitmq.port=" + (rabbit.getPort() < 0 ? 5672 : rabbit.getPort()),
                "--courier.rabbitmq.exchange=" + exchange,
                "--courier.outbox.table=" + outbox);
    }

    @AfterEach
    void stopAndRemoveWhatTheRunCreated() throws Exception {
        if (application != null) {
            application.close();
        }
        RabbitMqTransport.deleteTopology(TestServices.RABBITMQ_URI, exchange, CHANNEL);
        TestServices.dropTables(TestServices.POSTGRES_URL, outbox, "boot_task_reminders");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) application).getWebServer().getPort() + path;
    }

    @Test
    void aReminderPostedOverHttpIsMailedOnceAndTheActuatorShowsCourier() throws Exception {
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(url("/tasks/42/reminders")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"taskName\":\"Water the plants\","
                        + "\"due\":\"2030-01-01T09:00:00Z\",\"recipient\":\"ada@example.com\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        Matcher id = Pattern.compile("\"reminderId\":\"([0-9a-f-]{36})\"").matcher(posted.body());
        assertThat(id.find()).as(posted.body()).isTrue();
        UUID reminder = UUID.fromString(id.group(1));
        MailReminderHandler mail = application.getBean(MailReminderHandler.class);
        Await.until(WAIT, "the reminder mailed", () -> mail.mailed(reminder) == 1);
        // the consumer's acknowledgement and the API's marking of the broker's confirm race: wait for both
        Await.until(WAIT, "the acknowledgement counted and the outbox row marked", () -> {
            String scraped = get(http, "/actuator/prometheus");
            return scraped.contains("courier_consumer_messages_total{channel=\"" + CHANNEL
                    + "\",event=\"acknowledged\"} 1") && scraped.contains("courier_outbox_outstanding 0");
        });

        JsonNode courier = new ObjectMapper().readTree(get(http, "/actuator/health")).path("components").path("courier");
        assertThat(courier.path("status").asText()).as(courier.toString()).isEqualTo("UP");
        assertThat(courier.path("details").path("channel:" + CHANNEL).asText()).startsWith("UP: RUNNING, 2 performer(s)");
        assertThat(mail.mailed(reminder)).isEqualTo(1);
    }

    @Test
    void aBodyWithoutItsFieldsIsRefusedAndNothingIsPosted() throws Exception {
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(url("/tasks/42/reminders"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"taskName\":\"no due date\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("expected");
        assertThat(get(HttpClient.newHttpClient(), "/actuator/prometheus"))
                .doesNotContain("courier_outbox_messages_total{event=\"deposited\"");
    }

    private String get(HttpClient http, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url(path))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
