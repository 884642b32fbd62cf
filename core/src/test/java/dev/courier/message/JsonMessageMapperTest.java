package dev.courier.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.Event;
import dev.courier.Request;
import dev.courier.mapping.JsonLimits;
import dev.courier.mapping.JsonMessageMapper;
import dev.courier.mapping.MessageMappers;
import dev.courier.mapping.MessageMappingException;
import dev.courier.mapping.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonMessageMapperTest {
    @Topic("task.reminder")
    record TaskReminder(UUID id, String taskName, Instant due, String recipient) implements Command {}

    @Topic(value = "task.done", name = "task-completed")
    record TaskCompleted(UUID id, String taskName) implements Event {}

    record Untopical(UUID id) implements Command {}

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private final MessageMappers mappers = new MessageMappers().json(TaskReminder.class).json(TaskCompleted.class);

    @Test
    void aRecordRoundTripsThroughJsonWithItsIdAsMessageIdAndItsTopic() {
        TaskReminder reminder = new TaskReminder(Request.newId(), "taxes", Instant.parse("2027-01-31T09:00:00Z"), "a@b");
        Message message = mappers.toMessage(reminder, Duration.ofSeconds(3), clock);

        assertThat(message.id()).isEqualTo(reminder.id());
        assertThat(message.topic()).isEqualTo("task.reminder");
        assertThat(message.header().messageType()).isEqualTo(MessageType.COMMAND);
        assertThat(message.header().timestamp()).isEqualTo(clock.instant());
        assertThat(message.header().delay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(message.header().bag()).containsEntry(MessageMappers.TYPE_HEADER, "TaskReminder");
        assertThat(message.body().contentType()).isEqualTo(MessageBody.JSON);
        assertThat(message.body().asString()).contains("\"due\":\"2027-01-31T09:00:00Z\"");
        assertThat(mappers.toRequest(message, List.of(TaskReminder.class))).isEqualTo(reminder);
    }

    @Test
    void anEventIsMarkedAsEventAndUsesTheNameFromItsTopicAnnotation() {
        Message message = mappers.toMessage(new TaskCompleted(Request.newId(), "x"), Duration.ZERO, clock);
        assertThat(message.header().messageType()).isEqualTo(MessageType.EVENT);
        assertThat(message.header().bag()).containsEntry(MessageMappers.TYPE_HEADER, "task-completed");
    }

    @Test
    void oneChannelCarryingTwoTypesPicksEachByItsTypeHeader() {
        List<Class<? extends Request>> both = List.of(TaskReminder.class, TaskCompleted.class);
        TaskCompleted done = new TaskCompleted(Request.newId(), "x");
        assertThat(mappers.toRequest(mappers.toMessage(done, Duration.ZERO, clock), both)).isEqualTo(done);
    }

    @Test
    void invalidJsonFailsNamingTopicMessageIdAndReason() {
        Message bad = message("task.reminder", "{\"id\": ", MessageBody.JSON, "TaskReminder");
        assertThatThrownBy(() -> mappers.toRequest(bad, List.of(TaskReminder.class)))
                .isInstanceOf(MessageMappingException.class)
                .hasMessageContaining("task.reminder").hasMessageContaining(bad.id().toString())
                .hasMessageContaining("not a valid TaskReminder");
    }

    @Test
    void anUnknownTypeNameFailsAndListsWhatTheChannelAccepts() {
        Message unknown = message("task.reminder", "{}", MessageBody.JSON, "java.lang.Runtime");
        assertThatThrownBy(() -> mappers.toRequest(unknown, List.of(TaskReminder.class)))
                .isInstanceOf(MessageMappingException.class)
                .hasMessageContaining("unknown message type 'java.lang.Runtime'")
                .hasMessageContaining("[TaskReminder]");
    }

    @Test
    void aRegisteredTypeThatTheChannelDoesNotCarryIsRefused() {
        Message other = mappers.toMessage(new TaskCompleted(Request.newId(), "x"), Duration.ZERO, clock);
        assertThatThrownBy(() -> mappers.toRequest(other, List.of(TaskReminder.class)))
                .isInstanceOf(MessageMappingException.class).hasMessageContaining("task-completed");
    }

    @Test
    void aWrongContentTypeIsRefused() {
        Message xml = message("task.reminder", "<x/>", "application/xml", "TaskReminder");
        assertThatThrownBy(() -> mappers.toRequest(xml, List.of(TaskReminder.class)))
                .isInstanceOf(MessageMappingException.class).hasMessageContaining("content type 'application/xml'");
    }

    @Test
    void aDeeplyNestedBodyIsRejectedWithoutAStackOverflow() {
        String deep = "{\"id\":\"" + UUID.randomUUID() + "\",\"extra\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
        Message nested = message("task.reminder", deep, MessageBody.JSON, "TaskReminder");
        assertThatThrownBy(() -> mappers.toRequest(nested, List.of(TaskReminder.class)))
                .isInstanceOf(MessageMappingException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void aStringOverTheLimitIsRejected() {
        MessageMappers strict = new MessageMappers(JsonMessageMapper.defaultObjectMapper(
                new JsonLimits(64, 100, 1 << 20, 100, 256))).json(TaskReminder.class);
        String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"taskName\":\"" + "x".repeat(500) + "\"}";
        assertThatThrownBy(() -> strict.toRequest(message("task.reminder", body, MessageBody.JSON, "TaskReminder"),
                List.of(TaskReminder.class))).isInstanceOf(MessageMappingException.class)
                .hasMessageContaining("String value length");
    }

    @Test
    void aBodyOverTheDocumentLimitIsRejectedBeforeItIsParsedEvenWhenEveryStringIsShort() {
        // 5 MiB of short strings: under the string limit, over the 4 MiB document limit of the defaults.
        StringBuilder body = new StringBuilder("{\"id\":\"" + UUID.randomUUID() + "\",\"taskName\":\"t\",\"pad\":[");
        while (body.length() < (5 << 20)) {
            body.append("\"0123456789abcdef\",");
        }
        body.append("\"end\"]}");
        assertThatThrownBy(() -> mappers.toRequest(message("task.reminder", body.toString(), MessageBody.JSON,
                "TaskReminder"), List.of(TaskReminder.class))).isInstanceOf(MessageMappingException.class)
                .hasMessageContaining("over the JSON document limit of 4194304 bytes");
    }

    record Timed(UUID id, Duration every) implements Command {}

    @Test
    void aDurationTravelsAsAnIsoStringAsTheWireFormatPageSays() {
        MessageMappers timed = new MessageMappers().json(Timed.class, "timed");
        Timed request = new Timed(Request.newId(), Duration.ofSeconds(5));
        Message message = timed.toMessage(request, Duration.ZERO, clock);
        assertThat(message.body().asString()).contains("\"every\":\"PT5S\"");
        assertThat(timed.toRequest(message, List.of(Timed.class))).isEqualTo(request);
    }

    @Test
    void aClassNameInTheBodyIsNeverLoaded() {
        String body = "{\"@class\":\"dev.courier.message.JsonMessageMapperTest$Canary\",\"id\":\"" + UUID.randomUUID()
                + "\",\"taskName\":\"t\"}";
        Request request = mappers.toRequest(message("task.reminder", body, MessageBody.JSON, "TaskReminder"),
                List.of(TaskReminder.class));
        assertThat(request).isInstanceOf(TaskReminder.class);
        assertThat(CanaryFlag.loaded).isFalse();
    }

    @Test
    void aTypeWithoutTopicCannotBeRegisteredWithoutNamingOne() {
        assertThatThrownBy(() -> new MessageMappers().json(Untopical.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no @Topic");
    }

    @Test
    void twoTypesCannotShareALogicalName() {
        assertThatThrownBy(() -> new MessageMappers().register(Untopical.class, "t", "TaskReminder",
                new JsonMessageMapper<>(Untopical.class)).json(TaskReminder.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already used");
    }

    @Test
    void postingAnUnregisteredTypeSaysHowToRegisterIt() {
        assertThatThrownBy(() -> mappers.toMessage(new Untopical(Request.newId()), Duration.ZERO, clock))
                .isInstanceOf(MessageMappingException.class).hasMessageContaining("MessageMappers.json(Untopical.class");
    }

    static final class CanaryFlag {
        static volatile boolean loaded;
    }

    /** Would record its loading in {@link CanaryFlag}, if anything ever initialized it. */
    static final class Canary {
        static {
            CanaryFlag.loaded = true;
        }
    }

    private static Message message(String topic, String body, String contentType, String typeName) {
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND)
                .bag(Map.of(MessageMappers.TYPE_HEADER, typeName)).build();
        return new Message(header, MessageBody.of(body.getBytes(StandardCharsets.UTF_8), contentType));
    }
}
