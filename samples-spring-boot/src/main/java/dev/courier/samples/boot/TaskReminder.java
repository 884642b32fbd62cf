package dev.courier.samples.boot;

import dev.courier.Command;
import dev.courier.mapping.Topic;
import java.time.Instant;
import java.util.UUID;

/** Mail a reminder for a task: posted by the API, handled by {@link MailReminderHandler}. */
@Topic("task.reminder")
public record TaskReminder(UUID id, String taskId, String taskName, Instant due, String recipient) implements Command {}
