package dev.courier.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A PostgreSQL table with one row per handling (message id, sequence number, consumer pid), written by the consumer
 * processes: with auto-commit, or (inbox on) in the handler's transaction with its inbox entry, so what a SIGKILL
 * interrupts is rolled back with it. No key on the id: a duplicate handling is a second
 * row.
 */
final class HandlingLog {
    private final String table;

    HandlingLog(String table) {
        this.table = table;
    }

    String table() {
        return table;
    }

    void create() {
        sql("CREATE TABLE " + table + " (message_id UUID NOT NULL, n INTEGER NOT NULL, pid BIGINT NOT NULL, "
                + "at_nanos BIGINT NOT NULL)");
    }

    void drop() {
        sql("DROP TABLE IF EXISTS " + table);
    }

    /** Records one handling in a transaction of its own; called by the handler, on the handler's thread. */
    static void record(DataSource dataSource, String table, Work work) {
        try (Connection c = dataSource.getConnection()) {
            record(c, table, work);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the handling of " + work.id() + " in " + table, e);
        }
    }

    /** Records one handling on the handler's connection (in its transaction, when it has one). */
    static void record(Connection c, String table, Work work) {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                + " (message_id, n, pid, at_nanos) VALUES (?, ?, ?, ?)")) {
            insert.setObject(1, work.id());
            insert.setInt(2, work.n());
            insert.setLong(3, ProcessHandle.current().pid());
            insert.setLong(4, System.nanoTime());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the handling of " + work.id() + " in " + table, e);
        }
    }

    /** Handlings per message id. */
    Map<UUID, Integer> handlings() {
        Map<UUID, Integer> counts = new HashMap<>();
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT message_id, COUNT(*) FROM " + table
                        + " GROUP BY message_id")) {
            while (rows.next()) {
                counts.put(rows.getObject(1, UUID.class), rows.getInt(2));
            }
        } catch (SQLException e) {
            return null; // PostgreSQL is down: the caller polls again
        }
        return counts;
    }

    /** The id of a message with sequence number {@code n} that has a row, or null (also while PostgreSQL is down). */
    UUID idOf(int n) {
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL);
                PreparedStatement s = c.prepareStatement("SELECT message_id FROM " + table + " WHERE n = ? LIMIT 1")) {
            s.setInt(1, n);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? rows.getObject(1, UUID.class) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    /** Distinct messages handled, or -1 while the database does not answer. */
    long distinct() {
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT COUNT(DISTINCT message_id) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private void sql(String statement) {
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement, e);
        }
    }
}
