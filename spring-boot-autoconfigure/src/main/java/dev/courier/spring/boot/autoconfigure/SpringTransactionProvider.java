package dev.courier.spring.boot.autoconfigure;

import dev.courier.store.jdbc.TransactionProvider;
import java.sql.Connection;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Joins the outbox to Spring's transactions: inside a {@code @Transactional} method (or a {@code TransactionTemplate})
 * on {@code dataSource}, the outbox writes its row on the transaction's own connection, and a {@code post} sends the
 * message once the transaction commits, never after a rollback. Outside a transaction it finds none, and the outbox
 * uses a transaction of its own. A {@code NESTED} transaction rolled back to its savepoint removes the row, but the
 * message of a {@code post} in it still leaves when the outer transaction commits: post from a {@code REQUIRED} or
 * {@code REQUIRES_NEW} scope. In an {@code AFTER_COMMIT} listener, post from a {@code REQUIRES_NEW} transaction.
 */
public final class SpringTransactionProvider implements TransactionProvider {
    private final DataSource dataSource;

    public SpringTransactionProvider(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        // the transaction managers bind their connection to the target of a transaction-aware proxy
        this.dataSource = dataSource instanceof TransactionAwareDataSourceProxy proxy
                && proxy.getTargetDataSource() != null ? proxy.getTargetDataSource() : dataSource;
    }

    @Override
    public Optional<Connection> currentConnection() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            return Optional.empty();
        }
        // The holder the transaction manager bound for this DataSource (DataSourceTransactionManager's, or the JPA
        // transaction manager's, which exposes the EntityManager's connection): its connection, not a new reference
        // to it (DataSourceUtils.getConnection would count one more user of the holder that nobody releases).
        Object resource = TransactionSynchronizationManager.getResource(dataSource);
        if (resource instanceof ConnectionHolder holder) {
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
