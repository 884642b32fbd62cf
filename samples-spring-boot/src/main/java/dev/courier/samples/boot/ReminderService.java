package dev.courier.samples.boot;

import dev.courier.runtime.CommandProcessor;
import java.sql.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Stores a reminder and posts its command in one transaction: both or neither. */
@Service
public class ReminderService {
    private final JdbcTemplate jdbc;
    private final CommandProcessor courier;

    public ReminderService(JdbcTemplate jdbc, CommandProcessor courier) {
        this.jdbc = jdbc;
        this.courier = courier;
    }

    // snippet deposit
    @Transactional
    public void remind(TaskReminder reminder) {
        jdbc.update("INSERT INTO boot_task_reminders (id, task_id, task_name, due, recipient) VALUES (?, ?, ?, ?, ?)",
                reminder.id(), reminder.taskId(), reminder.taskName(), Timestamp.from(reminder.due()),
                reminder.recipient());
        courier.post(reminder);   // the outbox row joins this transaction; the message leaves after the commit
    }
    // end deposit
}
