package dev.courier.store.jdbc;

import dev.courier.CourierException;

/**
 * The JDBC message store is misconfigured (unreachable database, missing table, wrong dialect) or the inbox could
 * not read or write. Messages name the table and the database URL, never a password. Outbox failures at run time
 * are {@link dev.courier.OutboxException}s.
 */
public class JdbcStoreException extends CourierException {
    public JdbcStoreException(String message) {
        super(message);
    }

    public JdbcStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
