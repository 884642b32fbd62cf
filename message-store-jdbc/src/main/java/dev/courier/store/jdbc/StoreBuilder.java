package dev.courier.store.jdbc;

import dev.courier.store.jdbc.internal.TableName;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * What the {@link JdbcOutbox} and {@link JdbcInbox} builders share: the data source, the table, the dialect, the
 * clock, whether to create the tables, and where to find the caller's transaction.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class StoreBuilder<B extends StoreBuilder<B>> {
    final DataSource dataSource;
    final String kind;
    String table;
    JdbcDialect dialect;
    Clock clock = Clock.systemUTC();
    TransactionProvider transactionProvider = TransactionProvider.NONE;
    boolean createTables;

    StoreBuilder(DataSource dataSource, String kind, String defaultTable) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.kind = kind;
        this.table = defaultTable;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The table name, a plain identifier; default {@code courier_outbox}, {@code courier_inbox} or {@code courier_mailbox}. */
    public B table(String name) {
        this.table = TableName.check(kind + " table", name);
        return self();
    }

    /** The dialect; by default detected from the database. When given, the database must be of this kind. */
    public B dialect(JdbcDialect value) {
        this.dialect = Objects.requireNonNull(value, "dialect");
        return self();
    }

    /** The clock rows are stamped by (and leases and expiry measured against); default the system clock in UTC. */
    public B clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return self();
    }

    /**
     * Finds the transaction open on the calling thread (a {@link JdbcTransactions}, or a framework's), which the store
     * then joins, neither committing nor closing it; default {@link TransactionProvider#NONE}: a transaction of the
     * store's own. The outbox joins it for {@code add(..., OutboxTransaction.NONE)}; the inbox for {@code contains}
     * and {@code add}, so that a handling and its inbox entry commit together (see {@link InTransaction}).
     */
    public B transactionProvider(TransactionProvider value) {
        this.transactionProvider = Objects.requireNonNull(value, "transactionProvider");
        return self();
    }

    /** Whether {@code build()} creates the table and its indexes if they are missing; default false. */
    public B createTables(boolean value) {
        this.createTables = value;
        return self();
    }
}
