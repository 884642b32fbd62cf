package dev.courier.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sweeper's statements (claim, mark dispatched, delete) in one read-committed transaction each. On MariaDB
 * and MySQL, whose default is repeatable read, this matters: there an update that scans rows waits for every row
 * an open business transaction has just inserted, and takes gap locks that hold up new inserts; under read
 * committed it skips rows it does not change (semi-consistent reads). The connection's own settings are restored.
 * A transaction the database rolls back as a deadlock victim is run again, up to {@link #ATTEMPTS} times.
 */
public final class ReadCommitted {
    private static final Logger LOG = LoggerFactory.getLogger(ReadCommitted.class);

    /** Work on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private ReadCommitted() {}

    /**
     * How many times a transaction the database chose as a deadlock victim is run: InnoDB (MariaDB, MySQL) picks
     * one of two sweepers that lock the same index records in different orders and rolls it back whole, and its
     * manual asks the application to run it again; PostgreSQL does the same for its own deadlocks.
     */
    public static final int ATTEMPTS = 5;

    public static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(dataSource, work);
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !deadlockVictim(e)) {
                    throw e;
                }
                LOG.debug("Transaction chosen as a deadlock victim (attempt {} of {}), running it again: {}",
                        attempt, ATTEMPTS, e.toString());
            }
        }
    }

    /**
     * Whether the database rolled the whole transaction back to break a deadlock: SQLState 40001 (serialization
     * failure; MariaDB and MySQL report deadlocks with it, error 1213) or 40P01 (PostgreSQL's deadlock).
     */
    public static boolean deadlockVictim(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState())
                    || "40P01".equals(sql.getSQLState()) || sql.getErrorCode() == 1213)) {
                return true;
            }
        }
        return false;
    }

    private static <T> T once(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            int isolation = connection.getTransactionIsolation();
            boolean autoCommit = connection.getAutoCommit();
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    connection.setTransactionIsolation(isolation);
                }
            }
        }
    }
}
