package dev.courier.store.jdbc;

import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.StepFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.slf4j.LoggerFactory;
import org.slf4j.Logger;
import java.util.List;
import java.util.ArrayList;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Thread-bound JDBC transactions over a {@link DataSource}, for applications without a transaction framework. It is
 * a {@link TransactionProvider}, so a {@link JdbcOutbox} and a {@link JdbcInbox} given it write into the transaction
 * open on the calling thread; a handler annotated {@link InTransaction} runs in one, so that its own writes, the
 * inbox entry that marks its message handled and any messages it posts commit together or not at all:
 *
 * <pre>{@code
 * JdbcTransactions transactions = JdbcTransactions.over(dataSource);
 * CommandProcessor processor = CommandProcessor.builder()
 *         .inbox(JdbcInbox.builder(dataSource).transactionProvider(transactions).build())
 *         .stepFactory(InTransaction.class, transactions.stepFactory())
 *         ...
 *
 * class ShipOrderHandler implements RequestHandler<ShipOrder> {
 *     @InTransaction(step = 1)
 *     @UseInbox(step = 2)
 *     public void handle(ShipOrder command) {
 *         Connection c = transactions.connection(); // the handler's transaction
 *         ...
 *     }
 * }
 * }</pre>
 *
 * A process killed in the middle commits nothing, so its redelivered message is handled again from a clean slate;
 * one killed after the commit has its redelivery skipped by the inbox. Frameworks with their own transactions
 * (Spring, Jakarta EE) should pass their own {@link TransactionProvider} instead.
 */
public final class JdbcTransactions implements TransactionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcTransactions.class);

    private final DataSource dataSource;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    private final ThreadLocal<List<Runnable>> afterCommit = new ThreadLocal<>();

    private JdbcTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static JdbcTransactions over(DataSource dataSource) {
        return new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** Work done on the transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    @Override
    public Optional<Connection> currentConnection() {
        return Optional.ofNullable(current.get());
    }

    /**
     * Runs {@code action} after the transaction open on this thread commits (on this thread, once the connection is
     * out of the transaction), and never if it rolls back. What a processor posts inside the transaction is sent this
     * way. An action that throws is logged; the others still run.
     *
     * @return false when no transaction is open on this thread
     */
    @Override
    public boolean afterCommit(Runnable action) {
        Objects.requireNonNull(action, "action");
        List<Runnable> actions = afterCommit.get();
        if (actions == null) {
            return false;
        }
        actions.add(action);
        return true;
    }

    /**
     * The connection of the transaction open on this thread.
     *
     * @throws IllegalStateException when none is open
     */
    public Connection connection() {
        Connection connection = current.get();
        if (connection == null) {
            throw new IllegalStateException("No transaction is open on thread " + Thread.currentThread().getName()
                    + "; annotate the handler with @InTransaction or call JdbcTransactions.inTransaction");
        }
        return connection;
    }

    /**
     * Runs {@code work} in the transaction open on this thread, or in a new one that commits when {@code work}
     * returns and rolls back when it throws.
     *
     * @throws JdbcStoreException when the transaction cannot begin, commit or roll back, or {@code work} throws an
     *     {@link SQLException}
     */
    public <T> T inTransaction(Work<T> work) {
        Objects.requireNonNull(work, "work");
        Connection joined = current.get();
        if (joined != null) {
            try {
                return work.run(joined);
            } catch (SQLException e) {
                throw new JdbcStoreException("transaction work failed: " + e.getMessage(), e);
            }
        }
        List<Runnable> committed = new ArrayList<>();
        T result;
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            current.set(connection);
            List<Runnable> actions = new ArrayList<>();
            afterCommit.set(actions);
            try {
                result = work.run(connection);
                connection.commit();
                committed = actions;
            } catch (Throwable failure) {
                rollback(connection, failure);
                if (failure instanceof SQLException e) {
                    throw new JdbcStoreException("transaction rolled back: " + e.getMessage(), e);
                }
                throw failure;
            } finally {
                current.remove();
                afterCommit.remove();
                restore(connection, autoCommit);
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("cannot begin or commit a transaction: " + e.getMessage(), e);
        }
        for (Runnable action : committed) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("An after-commit action failed (what it sends stays outstanding for the sweeper): {}",
                        e.toString());
            }
        }
        return result;
    }

    /** The factory for {@link InTransaction}; register it with {@code CommandProcessorBuilder.stepFactory}. */
    public StepFactory<InTransaction> stepFactory() {
        HandlerStep step = (request, context, next) -> inTransaction(connection -> {
            next.proceed(request, context);
            return null;
        });
        return (annotation, context) -> step;
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void restore(Connection connection, boolean autoCommit) {
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
            // the pool discards a broken connection
        }
    }

    @Override
    public String toString() {
        return "JdbcTransactions[" + dataSource.getClass().getSimpleName() + "]";
    }
}
