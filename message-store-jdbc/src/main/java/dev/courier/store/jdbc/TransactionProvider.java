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
}
