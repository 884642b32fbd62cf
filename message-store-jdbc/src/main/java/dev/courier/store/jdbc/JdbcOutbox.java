package dev.courier.store.jdbc;

import dev.courier.OutboxException;
import dev.courier.message.Message;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxTransaction;
import dev.courier.store.jdbc.internal.Database;
import dev.courier.store.jdbc.internal.MessageRows;
import dev.courier.store.jdbc.internal.Micros;
import dev.courier.store.jdbc.internal.OutboxSql;
import dev.courier.store.jdbc.internal.OutstandingBound;
import dev.courier.store.jdbc.internal.ReadCommitted;
import dev.courier.store.jdbc.internal.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
    /** Ids per {@code IN (...)} list: one statement per batch of up to this many. */
    static final int IDS_PER_STATEMENT = 500;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcOutbox.class);

    private final DataSource dataSource;
    private final Database database;
    private final String table;
    private final Clock clock;
    private final TransactionProvider transactionProvider;
    private final MessageRows rows;
    private final OutstandingBound bound;
    private final OutboxSql sql;

    private JdbcOutbox(Builder builder, Database database) {
        this.dataSource = builder.dataSource;
        this.database = database;
        this.table = builder.table;
        this.clock = builder.clock;
        this.transactionProvider = builder.transactionProvider;
        this.rows = new MessageRows(database.dialect().nativeUuid());
        this.sql = new OutboxSql(table, database.dialect());
        this.bound = new OutstandingBound(builder.maxOutstanding, builder.recountInterval, clock, this::count);
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
        if (messages.isEmpty()) {
            return;
        }
        List<Message> batch = List.copyOf(messages);
        if (joined != null) {
            insert(joined, batch);
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                insert(connection, batch);
                commit(connection, batch.size());
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("cannot store " + describe(batch), e);
        }
    }

    private void commit(Connection connection, int added) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            bound.withdraw(added);
            throw e;
        }
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

    private void insert(Connection connection, List<Message> batch) {
        try {
            bound.admit(connection, batch.size(), table);
            try (PreparedStatement statement = connection.prepareStatement(sql.insert())) {
                long now = Micros.of(clock.instant());
                if (batch.size() == 1) {
                    rows.bind(statement, batch.get(0), now);
                    statement.executeUpdate();
                } else {
                    for (Message message : batch) {
                        rows.bind(statement, message, now);
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
            } catch (SQLException e) {
                bound.withdraw(batch.size());
                if (database.dialect().isDuplicateKey(e)) {
                    throw new OutboxException(describe(batch) + ": a message with "
                            + (batch.size() == 1 ? "this id" : "one of these ids") + " is already in outbox table "
                            + table, e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw failure("cannot store " + describe(batch), e);
        }
    }

    @Override
    public Optional<Message> get(UUID messageId) {
        Objects.requireNonNull(messageId, "messageId");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.get())) {
            rows.setUuid(statement, 1, messageId);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? Optional.of(rows.read(result)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("cannot read message " + messageId, e);
        }
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
            List<Message> claimed = ReadCommitted.run(dataSource, c -> sql.claimsInOneStatement()
                    ? claimInOneStatement(c, createdBefore, limit, lease)
                    : claim(c, createdBefore, limit, lease));
            if (!claimed.isEmpty()) {
                LOG.debug("claimed {} outstanding messages from {}, first {}", claimed.size(), table,
                        claimed.get(0).id());
            }
            return claimed;
        } catch (SQLException e) {
            throw failure("cannot claim outstanding messages", e);
        }
    }

    private List<Message> claimInOneStatement(Connection connection, Instant createdBefore, int limit, Duration lease)
            throws SQLException {
        Instant now = clock.instant();
        List<Claimed> claimed = new ArrayList<>(limit);
        try (Statement settings = connection.createStatement()) {
            settings.execute(sql.claimPlanSettings());
        }
        try (PreparedStatement claim = connection.prepareStatement(sql.claimAndLease())) {
            claim.setLong(1, Micros.of(createdBefore));
            claim.setLong(2, Micros.of(now));
            claim.setInt(3, limit);
            claim.setLong(4, Micros.of(now.plus(lease)));
            try (ResultSet result = claim.executeQuery()) {
                while (result.next()) {
                    claimed.add(new Claimed(result.getLong("created_at"), result.getLong("seq"), rows.read(result)));
                }
            }
        }
        claimed.sort(Comparator.comparingLong(Claimed::createdAt).thenComparingLong(Claimed::seq));
        return claimed.stream().map(Claimed::message).toList();
    }

    private record Claimed(long createdAt, long seq, Message message) {}

    private List<Message> claim(Connection connection, Instant createdBefore, int limit, Duration lease)
            throws SQLException {
        Instant now = clock.instant();
        List<Message> claimed = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.claim())) {
            select.setLong(1, Micros.of(createdBefore));
            select.setLong(2, Micros.of(now));
            select.setInt(3, limit);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    sequences.add(result.getLong("seq"));
                    claimed.add(rows.read(result));
                }
            }
        }
        for (int from = 0; from < sequences.size(); from += IDS_PER_STATEMENT) {
            List<Long> chunk = sequences.subList(from, Math.min(sequences.size(), from + IDS_PER_STATEMENT));
            try (PreparedStatement update = connection.prepareStatement(sql.lease(chunk.size()))) {
                update.setLong(1, Micros.of(now.plus(lease)));
                for (int i = 0; i < chunk.size(); i++) {
                    update.setLong(i + 2, chunk.get(i));
                }
                update.executeUpdate();
            }
        }
        return claimed;
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
            int marked = ReadCommitted.run(dataSource, connection -> mark(connection, ids, at));
            bound.dispatched(marked);
        } catch (SQLException e) {
            throw failure("cannot mark " + ids.size() + " messages dispatched, first " + ids.get(0), e);
        }
    }

    private int mark(Connection connection, List<UUID> ids, Instant at) throws SQLException {
        if (sql.marksWithArray()) {
            return markWithArray(connection, ids, at);
        }
        int marked = 0;
        for (int from = 0; from < ids.size(); from += IDS_PER_STATEMENT) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_STATEMENT));
            try (PreparedStatement update = connection.prepareStatement(sql.markDispatched(chunk.size()))) {
                update.setLong(1, Micros.of(at));
                for (int i = 0; i < chunk.size(); i++) {
                    rows.setUuid(update, i + 2, chunk.get(i));
                }
                marked += update.executeUpdate();
            }
        }
        return marked;
    }

    private int markWithArray(Connection connection, List<UUID> ids, Instant at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql.markDispatchedArray())) {
            update.setLong(1, Micros.of(at));
            update.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
            return update.executeUpdate();
        }
    }

    @Override
    public long outstandingCount() {
        try (Connection connection = dataSource.getConnection()) {
            return count(connection);
        } catch (SQLException e) {
            throw failure("cannot count outstanding messages", e);
        }
    }

    private long count(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.countOutstanding());
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    @Override
    public int deleteDispatchedBefore(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        try {
            int deleted = 0;
            int chunk;
            do {
                chunk = ReadCommitted.run(dataSource, connection -> {
                    try (PreparedStatement statement = connection.prepareStatement(sql.deleteDispatchedChunk())) {
                        statement.setLong(1, Micros.of(cutoff));
                        return statement.executeUpdate();
                    }
                });
                deleted += chunk;
            } while (chunk == OutboxSql.DELETE_CHUNK);
            LOG.debug("deleted {} messages dispatched before {} from {}", deleted, cutoff, table);
            return deleted;
        } catch (SQLException e) {
            throw failure("cannot delete messages dispatched before " + cutoff, e);
        }
    }

    private OutboxException failure(String what, SQLException e) {
        return new OutboxException(what + " in outbox table " + table + " (" + database.url() + "): "
                + e.getMessage(), e);
    }

    private static String describe(List<Message> batch) {
        Message first = batch.get(0);
        return batch.size() == 1 ? "message " + first.id() + " (topic " + first.topic() + ")"
                : batch.size() + " messages, first " + first.id() + " (topic " + first.topic() + ")";
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
