package dev.courier.samples.tasks;

import dev.courier.Command;
import dev.courier.mapping.Topic;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The command the task API posts and the reminder consumer handles: mail {@code recipient} that {@code taskName}
 * is due. It travels as JSON on the topic {@value #TOPIC}.
 */
@Topic(TaskReminder.TOPIC)
public record TaskReminder(UUID id, String taskId, String taskName, Instant due, String recipient) implements Command {
    /** The topic, and the name of the consumer's channel (queue). */
    public static final String TOPIC = "task.reminder";

    public TaskReminder {
        Objects.requireNonNull(id, "id");
        requireText(taskId, "taskId");
        requireText(taskName, "taskName");
        Objects.requireNonNull(due, "due");
        requireText(recipient, "recipient");
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank but was " + (value == null ? "null" : "'" + value + "'"));
        }
    }
}
