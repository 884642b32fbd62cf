package dev.courier.store.jdbc;

import dev.courier.spi.Inbox;
import dev.courier.store.jdbc.internal.Database;
import dev.courier.store.jdbc.internal.Housekeeping;
import dev.courier.store.jdbc.internal.Micros;
import dev.courier.store.jdbc.internal.ReadCommitted;
import dev.courier.store.jdbc.internal.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inbox in a database table whose primary key is (message id, handler key): {@link #add} inserts, and the
 * database's own uniqueness check decides which of two concurrent duplicates wins, in any number of processes.
 * Entries older than the retention are deleted by the inbox itself: once an hour (the {@link Builder#cleanupEvery}
 * interval), an {@code add} or {@code contains} hands {@link #deleteExpired} to a background thread. Turn that off with
 * {@link Builder#manualCleanup()} and schedule {@link #deleteExpired} yourself.
 */
public final class JdbcInbox implements Inbox {
    public static final String DEFAULT_TABLE = "courier_inbox";
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofHours(1);
    /** The longest handler key the table holds. */
    public static final int MAX_HANDLER_KEY_LENGTH = 255;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcInbox.class);

    private final DataSource dataSource;
    private final Database database;
    private final String table;
    private final Clock clock;
    private final Duration retention;
    private final TransactionProvider transactionProvider;
    private final String insertSql;
    private final String containsSql;
    private final String expireSql;
    private final int deleteChunk;
    private final Housekeeping housekeeping;

    private JdbcInbox(Builder builder, Database database) {
        this.dataSource = builder.dataSource;
        this.database = database;
        this.table = builder.table;
        this.clock = builder.clock;
        this.retention = builder.retention;
        this.transactionProvider = builder.transactionProvider;
        this.insertSql = "INSERT INTO " + table + " (message_id, handler_key, handled_at) VALUES (?, ?, ?)";
        this.containsSql = "SELECT 1 FROM " + table + " WHERE message_id = ? AND handler_key = ?";
        this.deleteChunk = builder.deleteChunk;
        this.housekeeping = new Housekeeping("inbox table " + table, builder.cleanupEvery, this::deleteExpired);
        String expired = " WHERE handled_at < ?";
        this.expireSql = database.dialect() == JdbcDialect.MARIADB
                ? "DELETE FROM " + table + expired + " LIMIT " + deleteChunk
                : "DELETE FROM " + table + " WHERE (message_id, handler_key) IN (SELECT message_id, handler_key FROM "
                        + table + expired + " LIMIT " + deleteChunk + ")";
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    public String table() {
        return table;
    }

    @Override
    public boolean contains(UUID messageId, String handlerKey) {
        housekeeping.due();
        checkKey(messageId, handlerKey);
        Connection joined = transactionProvider.currentConnection().orElse(null);
        try (Connection own = joined == null ? dataSource.getConnection() : null) {
            return contains(joined == null ? own : joined, messageId, handlerKey);
        } catch (SQLException e) {
            throw failure("cannot read", messageId, handlerKey, e);
        }
    }

    private boolean contains(Connection connection, UUID messageId, String handlerKey) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(containsSql)) {
            bind(statement, messageId, handlerKey);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        }
    }

    /**
     * Records a handling. In the transaction the {@link TransactionProvider} finds on this thread, if any: the entry
     * then commits or rolls back with it, and a duplicate found there leaves that transaction for its owner to roll
     * back (on PostgreSQL the failed insert has aborted it). Otherwise in a transaction of its own.
     */
    @Override
    public boolean add(UUID messageId, String handlerKey) {
        checkKey(messageId, handlerKey);
        housekeeping.due();
        Connection joined = transactionProvider.currentConnection().orElse(null);
        if (joined != null) {
            try {
                return insert(joined, messageId, handlerKey);
            } catch (SQLException e) {
                throw failure("cannot record", messageId, handlerKey, e);
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean added = insert(connection, messageId, handlerKey);
            if (!connection.getAutoCommit()) {
                if (added) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
            }
            return added;
        } catch (SQLException e) {
            throw failure("cannot record", messageId, handlerKey, e);
        }
    }

    private boolean insert(Connection connection, UUID messageId, String handlerKey) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertSql)) {
            bind(statement, messageId, handlerKey);
            statement.setLong(3, Micros.of(clock.instant()));
            statement.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (database.dialect().isDuplicateKey(e)) {
                LOG.debug("message {} was already recorded for handler {} in {}", messageId, handlerKey, table);
                return false;
            }
            throw e;
        }
    }

    /**
     * Deletes the entries recorded longer than the retention ago, in chunks of {@link Builder#deleteChunk} rows,
     * each its own transaction (so a backlog of millions is never one huge transaction); returns how many.
     */
    public int deleteExpired() {
        long cutoff = Micros.of(clock.instant().minus(retention));
        try {
            int deleted = 0;
            int chunk;
            do {
                chunk = ReadCommitted.run(dataSource, connection -> {
                    try (PreparedStatement statement = connection.prepareStatement(expireSql)) {
                        statement.setLong(1, cutoff);
                        return statement.executeUpdate();
                    }
                });
                deleted += chunk;
            } while (chunk == deleteChunk);
            LOG.debug("deleted {} inbox entries older than {} from {}", deleted, retention, table);
            return deleted;
        } catch (SQLException e) {
            throw new JdbcStoreException("cannot delete expired entries from inbox table " + table + " ("
                    + database.url() + "): " + e.getMessage(), e);
        }
    }

    private void bind(PreparedStatement statement, UUID messageId, String handlerKey) throws SQLException {
        if (database.dialect().nativeUuid()) {
            statement.setObject(1, messageId);
        } else {
            statement.setString(1, messageId.toString());
        }
        statement.setString(2, handlerKey);
    }

    private static void checkKey(UUID messageId, String handlerKey) {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(handlerKey, "handlerKey");
        if (handlerKey.isEmpty() || handlerKey.length() > MAX_HANDLER_KEY_LENGTH) {
            throw new IllegalArgumentException("handlerKey must have 1 to " + MAX_HANDLER_KEY_LENGTH
                    + " characters but was '" + handlerKey + "' (message " + messageId + ")");
        }
    }

    private JdbcStoreException failure(String what, UUID messageId, String handlerKey, SQLException e) {
        return new JdbcStoreException(what + " message " + messageId + " for handler " + handlerKey
                + " in inbox table " + table + " (" + database.url() + "): " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "JdbcInbox[" + table + " at " + database.url() + ", retention " + retention + "]";
    }

    /** Configures a {@link JdbcInbox}; {@link #build} checks the database and the table. */
    public static final class Builder extends StoreBuilder<Builder> {
        private Duration retention = DEFAULT_RETENTION;
        private int deleteChunk = 5_000;
        private Duration cleanupEvery = DEFAULT_CLEANUP_INTERVAL;

        private Builder(DataSource dataSource) {
            super(dataSource, "inbox", DEFAULT_TABLE);
        }

        /**
         * How long an entry is kept; default 7 days. Keep it longer than a message can take to be redelivered
         * (broker retries and requeue delays), or a late duplicate is handled again.
         */
        public Builder retention(Duration value) {
            Objects.requireNonNull(value, "retention");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("retention must be positive but was " + value);
            }
            this.retention = value;
            return this;
        }

        /**
         * How often the inbox deletes expired entries by itself, in the background, triggered by its use;
         * default one hour.
         */
        public Builder cleanupEvery(Duration value) {
            Objects.requireNonNull(value, "cleanupEvery");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("cleanupEvery must be positive but was " + value);
            }
            this.cleanupEvery = value;
            return this;
        }

        /** No automatic cleanup: expired entries stay until you call {@link JdbcInbox#deleteExpired}. */
        public Builder manualCleanup() {
            this.cleanupEvery = null;
            return this;
        }

        /** How many rows each transaction of {@link JdbcInbox#deleteExpired} deletes at most; default 5,000. */
        public Builder deleteChunk(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("deleteChunk must be positive but was " + rows);
            }
            this.deleteChunk = rows;
            return this;
        }

        /**
         * Connects, checks the dialect, creates the table if asked, and checks that the table is there.
         *
         * @throws JdbcStoreException naming the table and the database URL (without passwords) when any of that fails
         */
        public JdbcInbox build() {
            Database database = Database.check(dataSource, dialect, new Database.Table("inbox", table,
                    Schema.INBOX_PLACEHOLDER, "SELECT message_id, handler_key, handled_at FROM " + table
                            + " WHERE 1 = 0"), createTables);
            return new JdbcInbox(this, database);
        }
    }
}
