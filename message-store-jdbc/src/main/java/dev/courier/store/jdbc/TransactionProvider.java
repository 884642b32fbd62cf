package dev.courier.store.jdbc;

import java.sql.Connection;
import java.util.Optional;

/**
 * Finds the connection of the transaction a framework (Spring, Jakarta EE, jOOQ) has open on the calling thread,
 * so that {@link JdbcOutbox#add} with {@link dev.courier.spi.OutboxTransaction#NONE} joins it without the caller
 * passing a {@link JdbcTransaction}. The outbox neither commits nor closes a connection it gets from here.
 */
@FunctionalInterface
public interface TransactionProvider {
    /** A provider that never finds a transaction: the outbox then uses one of its own. */
    TransactionProvider NONE = Optional::empty;

    /** The connection of the transaction open on this thread, or empty when there is none. */
    Optional<Connection> currentConnection();

    /**
     * Runs {@code action} once the transaction open on this thread has committed, and never if it rolls back; returns
     * false when this provider cannot (the outbox then leaves what was posted in the transaction to the sweeper).
     * A Spring provider registers a {@code TransactionSynchronization} whose {@code afterCommit} runs it.
     */
    default boolean afterCommit(Runnable action) {
        return false;
    }
}
