package dev.courier.store.jdbc;

import dev.courier.message.Message;
import dev.courier.spi.MailboxStore;
import dev.courier.store.jdbc.internal.Database;
import dev.courier.store.jdbc.internal.MailboxSql;
import dev.courier.store.jdbc.internal.MailboxStatements;
import dev.courier.store.jdbc.internal.MessageRows;
import dev.courier.store.jdbc.internal.Micros;
import dev.courier.store.jdbc.internal.ReadCommitted;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MailboxStore} in a database table, shared by every process that uses the table: {@link #put} inserts
 * (the primary key on the message id turns a redelivery into a no-op), and {@link #take} deletes the oldest matching
 * row, so that of two takers, in any processes, only one gets a message. With a {@link TransactionProvider}, both
 * join the transaction open on the calling thread: a take rolled back puts the message back. Otherwise each runs in
 * a short read-committed transaction of its own.
 *
 * <pre>{@code
 * JdbcMailboxStore store = JdbcMailboxStore.builder(dataSource)
 *         .createTables(true)                 // or apply dev/courier/store/jdbc/<dialect>.sql yourself
 *         .transactionProvider(transactions)  // optional: take and put join the caller's transaction
 *         .build();
 * }</pre>
 *
 * A take lists the oldest ten candidates and deletes them one by one until a
 * delete succeeds; it locks no row it does not take, but its delete of a row another open transaction has just
 * taken waits until that transaction ends. Messages kept in the same microsecond are taken in message id order.
 * Transactions it joins should be read committed (MariaDB and MySQL default to repeatable read): a take in a
 * repeatable-read transaction sees no message put after that transaction's first read.
 */
public final class JdbcMailboxStore implements MailboxStore {
    public static final String DEFAULT_TABLE = "courier_mailbox";
    /** The longest recipient id the table holds (that of {@code dev.courier.MailboxAddress}). */
    public static final int MAX_RECIPIENT_LENGTH = 200;
    /** The longest type name the table holds. */
    public static final int MAX_TYPE_LENGTH = 255;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcMailboxStore.class);

    private final DataSource dataSource;
    private final Database database;
    private final String table;
    private final Clock clock;
    private final TransactionProvider transactionProvider;
    private final MailboxStatements statements;
    private final AtomicBoolean isolationChecked = new AtomicBoolean();

    private JdbcMailboxStore(Builder builder, Database database) {
        this.dataSource = builder.dataSource;
        this.database = database;
        this.table = builder.table;
        this.clock = builder.clock;
        this.transactionProvider = builder.transactionProvider;
        this.statements = new MailboxStatements(new MailboxSql(table, database.dialect()),
                new MessageRows(database.dialect().nativeUuid()), database.dialect());
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

    /**
     * {@inheritDoc} In the transaction the {@link TransactionProvider} finds on this thread, if any (a duplicate
     * leaves that transaction usable), else in one of its own, committed before this returns.
     */
    @Override
    public boolean put(String recipient, String type, Message message) {
        checkRecipient(recipient);
        checkType(type);
        Objects.requireNonNull(message, "message");
        long now = Micros.of(clock.instant());
        Connection joined = transactionProvider.currentConnection().orElse(null);
        try {
            boolean kept = joined != null ? statements.insert(joined, recipient, type, message, now)
                    : ReadCommitted.run(dataSource, c -> statements.insert(c, recipient, type, message, now));
            if (!kept) {
                LOG.debug("message {} for recipient '{}' is already kept in {}", message.id(), recipient, table);
            }
            return kept;
        } catch (SQLException e) {
            throw failure("cannot keep message " + message.id() + " (type " + type + ") for recipient '" + recipient
                    + "'", e);
        }
    }

    /**
     * {@inheritDoc} In the transaction the {@link TransactionProvider} finds on this thread, if any, which neither
     * commits nor rolls back here; else in one of its own, committed before this returns.
     */
    @Override
    public Optional<Message> take(String recipient, Collection<String> types) {
        checkRecipient(recipient);
        List<String> names = typeNames(types);
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Connection joined = transactionProvider.currentConnection().orElse(null);
        try {
            if (joined != null && isolationChecked.compareAndSet(false, true)) {
                checkIsolation(joined);
            }
            Optional<Message> taken = joined != null ? statements.take(joined, recipient, names)
                    : ReadCommitted.run(dataSource, c -> statements.take(c, recipient, names));
            taken.ifPresent(m -> LOG.debug("took message {} for recipient '{}' from {}", m.id(), recipient, table));
            return taken;
        } catch (SQLException e) {
            throw failure("cannot take a message of " + names + " for recipient '" + recipient + "'", e);
        }
    }

    /** {@inheritDoc} In the transaction open on this thread, if any, so that its own puts and takes count. */
    @Override
    public long count(String recipient) {
        checkRecipient(recipient);
        Connection joined = transactionProvider.currentConnection().orElse(null);
        try (Connection own = joined == null ? dataSource.getConnection() : null) {
            return statements.count(joined == null ? own : joined, recipient);
        } catch (SQLException e) {
            throw failure("cannot count the messages of recipient '" + recipient + "'", e);
        }
    }

    /**
     * Warns, once, when the caller's transactions are stricter than read committed (MariaDB's and MySQL's default is
     * repeatable read): a take in one then sees only the messages its first read saw, never those put later, so a
     * wait inside such a transaction times out; on PostgreSQL a take that meets a message another transaction has
     * just taken fails with a serialization error instead of moving on.
     */
    private void checkIsolation(Connection joined) throws SQLException {
        int isolation = joined.getTransactionIsolation();
        if (isolation > Connection.TRANSACTION_READ_COMMITTED) {
            LOG.warn("Mailbox table {} is read in the caller's transactions at {} ({}): a take in one sees no "
                    + "message put after the transaction's first read; give the connections of such transactions "
                    + "READ COMMITTED", table, isolation == Connection.TRANSACTION_SERIALIZABLE ? "SERIALIZABLE"
                    : "REPEATABLE READ", database.url());
        }
    }

    private static void checkRecipient(String recipient) {
        Objects.requireNonNull(recipient, "recipient");
        if (recipient.isEmpty() || recipient.length() > MAX_RECIPIENT_LENGTH) {
            throw new IllegalArgumentException("recipient must have 1 to " + MAX_RECIPIENT_LENGTH
                    + " characters but was '" + recipient + "' (" + recipient.length() + " characters)");
        }
    }

    private static void checkType(String type) {
        Objects.requireNonNull(type, "type");
        if (type.isEmpty() || type.length() > MAX_TYPE_LENGTH) {
            throw new IllegalArgumentException("type must have 1 to " + MAX_TYPE_LENGTH + " characters but was '"
                    + type + "'");
        }
    }

    private static List<String> typeNames(Collection<String> types) {
        Objects.requireNonNull(types, "types");
        List<String> names = new ArrayList<>(new LinkedHashSet<>(types));
        names.forEach(JdbcMailboxStore::checkType);
        return names;
    }

    private JdbcStoreException failure(String what, SQLException e) {
        return new JdbcStoreException(what + " in mailbox table " + table + " (" + database.url() + "): "
                + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "JdbcMailboxStore[" + table + " at " + database.url() + ", " + database.dialect() + "]";
    }

    /** Configures a {@link JdbcMailboxStore}; {@link #build} checks the database and the table. */
    public static final class Builder extends StoreBuilder<Builder> {
        private Builder(DataSource dataSource) {
            super(dataSource, "mailbox", DEFAULT_TABLE);
        }

        /**
         * Connects, checks the dialect, creates the table if asked, and checks that the table is there.
         *
         * @throws JdbcStoreException naming the table and the database URL (without passwords) when any of that fails
         */
        public JdbcMailboxStore build() {
            Database database = Database.check(dataSource, dialect, new Database.Table("mailbox", table,
                    MailboxSql.PLACEHOLDER, MailboxSql.probe(table)), createTables);
            return new JdbcMailboxStore(this, database);
        }
    }
}
