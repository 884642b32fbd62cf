package dev.courier.spring.boot.autoconfigure;

import dev.courier.store.jdbc.TransactionProvider;
import java.sql.Connection;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Joins the outbox to Spring's transactions: inside a {@code @Transactional} method (or a {@code TransactionTemplate})
 * on {@code dataSource}, the outbox writes its row on the transaction's own connection, and a {@code post} sends the
 * message once the transaction commits, never after a rollback. Outside a transaction it finds none, and the outbox
 * uses a transaction of its own.
 */
public final class SpringTransactionProvider implements TransactionProvider {
    private final DataSource dataSource;

    public SpringTransactionProvider(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Optional<Connection> currentConnection() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            return Optional.empty();
        }
        // The holder the transaction manager bound for this DataSource: its connection, not a new reference to it
        // (DataSourceUtils.getConnection would count one more user of the holder that nobody releases).
        Object resource = TransactionSynchronizationManager.getResource(dataSource);
        if (resource instanceof ConnectionHolder holder && holder.isSynchronizedWithTransaction()) {
            return Optional.of(holder.getConnection());
        }
        return Optional.empty(); // a transaction on another resource (another DataSource, JMS): not ours to join
    }

    @Override
    public boolean afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return false;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
        return true;
    }
}
