package dev.courier.transport.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.courier.Command;
import dev.courier.Reply;
import dev.courier.mapping.MessageMappers;
import dev.courier.mapping.Topic;
import dev.courier.message.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * docs/wire-format.md's example message is what the RabbitMQ transport really publishes for the tasks sample's
 * command (its shape copied here, so that only this module's own internals are used): the same mapping and the transport's own wire format, compared with the page's text.
 */
class WireFormatDocTest {
    private static final UUID ID = UUID.fromString("3f0c9a52-8a1e-4d55-b1a4-0f3f3c2d8e11");

    /** The tasks sample's command, as the page shows it (the same name, topic and fields). */
    @Topic("task.reminder")
    public record TaskReminder(UUID id, String taskId, String taskName, Instant due, String recipient)
            implements Command {}

    /** A reply type, as a caller of {@code call} would register it. */
    public record Done(UUID id, UUID correlationId) implements Reply {}

    @Test
    void theExampleOnThePageIsWhatTheTransportPublishes() throws Exception {
        TaskReminder reminder = new TaskReminder(ID, "42", "Water the plants", Instant.parse("2030-01-01T09:00:00Z"),
                "ada@example.com");
        Clock clock = Clock.fixed(Instant.parse("2026-01-31T12:00:00.123456Z"), ZoneOffset.UTC);
        Message message = new MessageMappers().json(TaskReminder.class).toMessage(reminder, Duration.ZERO, clock);

        AMQP.BasicProperties properties = WireFormat.toProperties(message);
        String body = new String(message.body().unsafeBytes(), StandardCharsets.UTF_8);

        assertThat(message.topic()).isEqualTo("task.reminder");
        assertThat(properties.getMessageId()).isEqualTo(ID.toString());
        assertThat(properties.getType()).isEqualTo("COMMAND");
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getTimestamp().getTime() / 1000).isEqualTo(1769860800L);
        assertThat(properties.getDeliveryMode()).isEqualTo(2);
        assertThat(properties.getCorrelationId()).isNull();
        assertThat(properties.getReplyTo()).isNull();
        assertThat(properties.getHeaders()).containsOnlyKeys("courier-type", "courier-timestamp");
        assertThat(properties.getHeaders()).containsEntry("courier-type", "TaskReminder")
                .containsEntry("courier-timestamp", "2026-01-31T12:00:00.123456Z");

        String page = Files.readString(java.nio.file.Path.of("..", "docs", "wire-format.md"));
        assertThat(page).contains("routing key:  task.reminder", "message_id     = " + ID, "type           = COMMAND",
                "content_type   = application/json", "timestamp      = 1769860800", "delivery_mode  = 2",
                "courier-type      = TaskReminder", "courier-timestamp = 2026-01-31T12:00:00.123456Z");
        assertThat(page).doesNotContain("courier-topic     = task.reminder");
        int split = body.indexOf(",\"due\"") + 1;
        assertThat(page).contains("body:         " + body.substring(0, split) + "\n               "
                + body.substring(split) + "\n");
    }

    @Test
    void aReplyToACallIsTransientAndEverythingElseIsPersistentAsThePageSays() throws Exception {
        Message reply = new MessageMappers().reply(Done.class)
                .toMessage(new Done(UUID.randomUUID(), ID), Duration.ZERO, Clock.systemUTC());

        AMQP.BasicProperties properties = WireFormat.toProperties(reply);

        assertThat(properties.getType()).isEqualTo("REPLY");
        assertThat(properties.getCorrelationId()).isEqualTo(ID.toString());
        assertThat(properties.getDeliveryMode()).isEqualTo(1);
        assertThat(Files.readString(java.nio.file.Path.of("..", "docs", "wire-format.md")))
                .contains("| `delivery_mode` | `2` (persistent); `1` (transient) for a reply to a `call`");
    }
}
