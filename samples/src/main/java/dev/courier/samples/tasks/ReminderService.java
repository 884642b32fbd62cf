package dev.courier.samples.tasks;

import dev.courier.CourierException;
import dev.courier.runtime.CommandProcessor;
import dev.courier.store.jdbc.JdbcTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task API's business logic: records a reminder request in the application's own table and posts the
 * {@link TaskReminder} command through the outbox, in one database transaction.
 *
 * <p>Why {@code depositPost} + {@code clearOutbox} and not {@code post}: {@code post} stores the message in a
 * transaction of the outbox's own, so a crash between "row written" and "message stored" could lose one of the two.
 * {@code depositPost(requests, JdbcTransaction.of(connection))} writes the message on the caller's connection: the
 * row and the message commit together or not at all. {@code clearOutbox} then sends what was committed; if the broker
 * is down, the message stays outstanding and the {@link dev.courier.runtime.OutboxSweeper} sends it later.
 */
public final class ReminderService {
    private static final Logger LOG = LoggerFactory.getLogger(ReminderService.class);

    private final DataSource dataSource;
    private final CommandProcessor processor;
    private final String table;

    public ReminderService(DataSource dataSource, CommandProcessor processor, String table) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.table = Objects.requireNonNull(table, "table");
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,47}")) {
            throw new IllegalArgumentException("table must be a plain identifier but was '" + table + "'");
        }
    }

    /** Creates the business table if it is missing (a real application would use its migration tool). */
    public void createTable() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (id UUID PRIMARY KEY, task_id VARCHAR(255) NOT NULL, "
                    + "task_name VARCHAR(255) NOT NULL, due VARCHAR(64) NOT NULL, recipient VARCHAR(255) NOT NULL)");
        } catch (SQLException e) {
            throw new CourierException("cannot create the table " + table + ": " + e.getMessage(), e);
        }
    }

    /** Writes the reminder's row and its outbox message in one transaction; returns the message id. */
    public UUID deposit(TaskReminder reminder) {
        // snippet deposit
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                        + " (id, task_id, task_name, due, recipient) VALUES (?, ?, ?, ?, ?)")) {
                    insert.setObject(1, reminder.id());
                    insert.setString(2, reminder.taskId());
                    insert.setString(3, reminder.taskName());
                    insert.setString(4, reminder.due().toString());
                    insert.setString(5, reminder.recipient());
                    insert.executeUpdate();
                }
                processor.depositPost(List.of(reminder), JdbcTransaction.of(connection));
                connection.commit();   // the row and the message, or (on any failure above) neither
                return reminder.id();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new CourierException("cannot store reminder " + reminder.id() + " for task " + reminder.taskId()
                    + ": " + e.getMessage(), e);
        }
        // end deposit
    }

    /**
     * Sends a deposited reminder now. A failure is logged, not thrown: the message is safely in the outbox and the
     * sweeper sends it once the broker is back.
     */
    public void dispatch(UUID id) {
        try {
            processor.clearOutbox(id);
        } catch (CourierException e) {
            LOG.warn("Reminder {} stays in the outbox for the sweeper: {}", id, e.getMessage());
        }
    }

    /** How many reminder rows the table holds. */
    public long count() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new CourierException("cannot count the rows of " + table + ": " + e.getMessage(), e);
        }
    }
}
