package dev.courier.store.jdbc.internal;

import dev.courier.OutboxException;
import dev.courier.message.Message;
import dev.courier.store.jdbc.JdbcDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Stores batches of messages under the outbox's bound: into a transaction the caller has open, or in one of its own
 * that it commits. An insert or commit that fails gives its place under the bound back; a duplicate id fails naming
 * the batch.
 */
public final class OutboxInserts {
    /** Makes the exception a database failure is reported with, naming what failed, the table and the database. */
    @FunctionalInterface
    public interface Failures {
        OutboxException of(String what, SQLException e);
    }

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final String table;
    private final OutstandingBound bound;
    private final OutboxStatements statements;
    private final Failures failures;

    public OutboxInserts(DataSource dataSource, JdbcDialect dialect, String table, OutstandingBound bound,
            OutboxStatements statements, Failures failures) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.bound = bound;
        this.statements = statements;
        this.failures = failures;
    }

    /** Inserts {@code batch} (not empty) into {@code joined}'s transaction, or, when that is null, in its own. */
    public void add(Connection joined, List<Message> batch) {
        if (joined != null) {
            insert(joined, batch);
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                insert(connection, batch);
                commit(connection, batch.size());
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failures.of("cannot store " + describe(batch), e);
        }
    }

    private void commit(Connection connection, int added) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            bound.withdraw(added);
            throw e;
        }
    }

    private void insert(Connection connection, List<Message> batch) {
        try {
            bound.admit(connection, batch.size(), table);
            try {
                statements.insert(connection, batch);
            } catch (SQLException e) {
                bound.withdraw(batch.size());
                if (dialect.isDuplicateKey(e)) {
                    throw new OutboxException(describe(batch) + ": a message with "
                            + (batch.size() == 1 ? "this id" : "one of these ids") + " is already in outbox table "
                            + table, e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw failures.of("cannot store " + describe(batch), e);
        }
    }

    private static String describe(List<Message> batch) {
        return (batch.size() == 1 ? "message " : batch.size() + " messages, first ") + batch.get(0).id()
                + " (topic " + batch.get(0).topic() + ")";
    }
}
