package dev.courier.store.jdbc;

import dev.courier.spi.OutboxTransaction;
import java.sql.Connection;
import java.util.Objects;

/**
 * The caller's own JDBC transaction, for {@link JdbcOutbox#add}: the outbox writes its rows on this connection and
 * neither commits, rolls back nor closes it, so the messages become visible exactly when the caller commits, and
 * vanish if it rolls back. The connection must reach the database the outbox's table is in.
 *
 * <pre>{@code
 * try (Connection c = dataSource.getConnection()) {
 *     c.setAutoCommit(false);
 *     orders.insert(c, order);
 *     outbox.add(List.of(message), JdbcTransaction.of(c));
 *     c.commit();
 * }
 * }</pre>
 */
public final class JdbcTransaction implements OutboxTransaction {
    private final Connection connection;

    private JdbcTransaction(Connection connection) {
        this.connection = connection;
    }

    public static JdbcTransaction of(Connection connection) {
        return new JdbcTransaction(Objects.requireNonNull(connection, "connection"));
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public String toString() {
        return "JdbcTransaction[" + connection + "]";
    }
}
