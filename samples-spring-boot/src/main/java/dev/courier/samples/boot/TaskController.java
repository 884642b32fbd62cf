package dev.courier.samples.boot;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /tasks/{id}/reminders}: answers 202 with the reminder's id once it and its command are committed. */
@RestController
public class TaskController {
    private final ReminderService reminders;

    public TaskController(ReminderService reminders) {
        this.reminders = reminders;
    }

    /** The request body. */
    public record ReminderRequest(String taskName, Instant due, String recipient) {}

    @PostMapping("/tasks/{taskId}/reminders")
    public ResponseEntity<Map<String, String>> remind(@PathVariable String taskId, @RequestBody ReminderRequest body) {
        if (body.taskName() == null || body.due() == null || body.recipient() == null) {
            return ResponseEntity.badRequest().body(Map.of("error",
                    "expected {\"taskName\": text, \"due\": ISO-8601 instant, \"recipient\": text}"));
        }
        TaskReminder reminder = new TaskReminder(UUID.randomUUID(), taskId, body.taskName(), body.due(),
                body.recipient());
        reminders.remind(reminder);
        return ResponseEntity.accepted().body(Map.of("reminderId", reminder.id().toString()));
    }
}
