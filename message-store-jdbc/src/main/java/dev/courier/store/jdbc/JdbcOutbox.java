package dev.courier.store.jdbc;

import dev.courier.OutboxException;
import dev.courier.message.Message;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxEntry;
import dev.courier.spi.OutboxQuery;
import dev.courier.spi.OutboxStats;
import dev.courier.spi.OutboxTransaction;
import dev.courier.spi.ParkedMessage;
import dev.courier.store.jdbc.internal.Database;
import dev.courier.store.jdbc.internal.MessageRows;
import dev.courier.store.jdbc.internal.OutboxInserts;
import dev.courier.store.jdbc.internal.OutboxQueries;
import dev.courier.store.jdbc.internal.OutboxSql;
import dev.courier.store.jdbc.internal.OutboxStatements;
import dev.courier.store.jdbc.internal.OutstandingBound;
import dev.courier.store.jdbc.internal.ReadCommitted;
import dev.courier.store.jdbc.internal.Schema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An outbox in a database table. {@link #add} joins the caller's transaction when given a {@link JdbcTransaction}
 * (or when the {@link TransactionProvider} finds one), so a message is stored exactly when the caller's business
 * rows are. Sweepers in any number of processes may claim at once: a claim locks candidate rows with {@code FOR
 * UPDATE SKIP LOCKED} and leases them in the same short transaction, so no two sweepers get the same message
 * while its lease runs, and rows committed late (sequence values become visible out of order) are never skipped.
 * Built by {@link #builder}, which checks the database and the table before returning.
 */
public final class JdbcOutbox implements Outbox {
    public static final String DEFAULT_TABLE = "courier_outbox";
    public static final Duration DEFAULT_RECOUNT_INTERVAL = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(JdbcOutbox.class);

    private final DataSource dataSource;
    private final Database database;
    private final String table;
    private final TransactionProvider transactionProvider;
    private final OutstandingBound bound;
    private final OutboxStatements statements;
    private final OutboxInserts inserts;
    private final OutboxQueries queries;

    private JdbcOutbox(Builder builder, Database database) {
        this.dataSource = builder.dataSource;
        this.database = database;
        this.table = builder.table;
        this.transactionProvider = builder.transactionProvider;
        MessageRows rows = new MessageRows(database.dialect().nativeUuid());
        this.statements = new OutboxStatements(new OutboxSql(table, database.dialect()), rows, builder.clock);
        this.bound = new OutstandingBound(builder.maxOutstanding, builder.recountInterval, builder.clock,
                statements::countOutstanding);
        this.inserts = new OutboxInserts(dataSource, database.dialect(), table, bound, statements, this::failure);
        this.queries = new OutboxQueries(table, rows);
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    public JdbcDialect dialect() {
        return database.dialect();
    }

    public String table() {
        return table;
    }

    @Override
    public void add(Collection<Message> messages, OutboxTransaction transaction) {
        Objects.requireNonNull(messages, "messages");
        Connection joined = joinedConnection(Objects.requireNonNull(transaction, "transaction"));
        if (!messages.isEmpty()) {
            inserts.add(joined, List.copyOf(messages));
        }
    }

    /**
     * When a transaction of the {@link TransactionProvider} is open on this thread, {@code add} wrote into it: the
     * messages are sent once it commits (if the provider can tell), else by the sweeper.
     */
    @Override
    public boolean deferUntilCommit(Runnable send) {
        if (transactionProvider.currentConnection().isEmpty()) {
            return false;
        }
        if (!transactionProvider.afterCommit(send)) {
            LOG.debug("Posted inside a transaction of {} that cannot report its commit; the sweeper sends it",
                    transactionProvider);
        }
        return true;
    }

    private Connection joinedConnection(OutboxTransaction transaction) {
        if (transaction instanceof JdbcTransaction jdbc) {
            return jdbc.connection();
        }
        if (transaction == OutboxTransaction.NONE) {
            return transactionProvider.currentConnection().orElse(null);
        }
        throw new IllegalArgumentException("JdbcOutbox joins a JdbcTransaction or OutboxTransaction.NONE, but was given "
                + transaction.getClass().getName());
    }

    @Override
    public Optional<Message> get(UUID messageId) {
        Objects.requireNonNull(messageId, "messageId");
        return read("cannot read message " + messageId, c -> statements.get(c, messageId));
    }

    @Override
    public List<Message> claimOutstanding(Instant createdBefore, int limit, Duration lease) {
        Objects.requireNonNull(createdBefore, "createdBefore");
        Objects.requireNonNull(lease, "lease");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive but was " + limit);
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive but was " + lease);
        }
        try {
            List<Message> claimed = ReadCommitted.run(dataSource,
                    connection -> statements.claim(connection, createdBefore, limit, lease));
            if (!claimed.isEmpty()) {
                LOG.debug("claimed {} outstanding messages from {}, first {}", claimed.size(), table,
                        claimed.get(0).id());
            }
            return claimed;
        } catch (SQLException e) {
            throw failure("cannot claim outstanding messages", e);
        }
    }

    @Override
    public void markDispatched(Collection<UUID> messageIds, Instant at) {
        Objects.requireNonNull(messageIds, "messageIds");
        Objects.requireNonNull(at, "at");
        List<UUID> ids = List.copyOf(messageIds);
        if (ids.isEmpty()) {
            return;
        }
        try {
            int marked = ReadCommitted.run(dataSource, connection -> statements.markDispatched(connection, ids, at));
            bound.dispatched(marked);
        } catch (SQLException e) {
            throw failure("cannot mark " + ids.size() + " messages dispatched, first " + ids.get(0), e);
        }
    }

    @Override
    public long outstandingCount() {
        return read("cannot count outstanding messages", statements::countOutstanding);
    }

    @Override
    public Optional<Instant> oldestOutstanding() {
        return read("cannot read the oldest outstanding message", statements::oldestOutstanding);
    }

    @Override
    public int deleteDispatchedBefore(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        try {
            int deleted = statements.deleteDispatchedBefore(dataSource, cutoff);
            LOG.debug("deleted {} messages dispatched before {} from {}", deleted, cutoff, table);
            return deleted;
        } catch (SQLException e) {
            throw failure("cannot delete messages dispatched before " + cutoff, e);
        }
    }

    @Override
    public boolean recordRefusal(UUID messageId, String reason, Instant at, int parkAfter) {
        try {
            return ReadCommitted.run(dataSource, c -> statements.recordRefusal(c, messageId, reason, at, parkAfter));
        } catch (SQLException e) {
            throw failure("cannot record a refusal of message " + messageId, e);
        }
    }

    @Override
    public List<ParkedMessage> parked(int limit) {
        return read("cannot read parked messages", c -> statements.parked(c, limit));
    }

    @Override
    public List<OutboxEntry> query(OutboxQuery query) {
        Objects.requireNonNull(query, "query");
        return read("cannot query " + query.state() + " messages", c -> queries.query(c, query));
    }

    @Override
    public OutboxStats stats() {
        return read("cannot count messages by state", queries::stats);
    }

    /**
     * {@inheritDoc} This instance's estimate of the outstanding count for {@link Builder#maxOutstanding} takes the
     * reposted messages in at its next recount.
     */
    @Override
    public int markOutstanding(Collection<UUID> messageIds) {
        List<UUID> ids = List.copyOf(Objects.requireNonNull(messageIds, "messageIds"));
        if (ids.isEmpty()) {
            return 0;
        }
        try {
            int changed = ReadCommitted.run(dataSource, c -> queries.markOutstanding(c, ids));
            LOG.debug("made {} of {} messages outstanding again in {}, first {}", changed, ids.size(), table,
                    ids.get(0));
            return changed;
        } catch (SQLException e) {
            throw failure("cannot make " + ids.size() + " messages outstanding again, first " + ids.get(0), e);
        }
    }

    /** Runs a query on a connection of its own; a failure names {@code what} and the table. */
    private <T> T read(String what, ReadCommitted.Work<T> query) {
        try (Connection connection = dataSource.getConnection()) {
            return query.run(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private OutboxException failure(String what, SQLException e) {
        return new OutboxException(what + " in outbox table " + table + " (" + database.url() + "): "
                + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "JdbcOutbox[" + table + " at " + database.url() + ", " + database.dialect() + "]";
    }

    /** Configures a {@link JdbcOutbox}; {@link #build} checks the database and the table. */
    public static final class Builder extends StoreBuilder<Builder> {
        private long maxOutstanding = Long.MAX_VALUE;
        private Duration recountInterval = DEFAULT_RECOUNT_INTERVAL;

        private Builder(DataSource dataSource) {
            super(dataSource, "outbox", DEFAULT_TABLE);
        }

        /** The most outstanding messages the table may hold before adds fail; default unbounded. */
        public Builder maxOutstanding(long value) {
            if (value <= 0) {
                throw new IllegalArgumentException("maxOutstanding must be positive but was " + value);
            }
            this.maxOutstanding = value;
            return this;
        }

        /** How old the outstanding count used for the bound may get before it is counted again; default 5 s. */
        public Builder recountInterval(Duration value) {
            Objects.requireNonNull(value, "recountInterval");
            if (value.isNegative()) {
                throw new IllegalArgumentException("recountInterval must not be negative but was " + value);
            }
            this.recountInterval = value;
            return this;
        }

        /**
         * Connects, checks the dialect, creates the table if asked, and checks that the table is there.
         *
         * @throws JdbcStoreException naming the table and the database URL (without passwords) when any of that fails
         */
        public JdbcOutbox build() {
            Database database = Database.check(dataSource, dialect, new Database.Table("outbox", table,
                    Schema.OUTBOX_PLACEHOLDER, OutboxSql.probe(table)), createTables);
            return new JdbcOutbox(this, database);
        }
    }
}
