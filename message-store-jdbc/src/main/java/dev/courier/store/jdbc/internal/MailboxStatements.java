package dev.courier.store.jdbc.internal;

import dev.courier.message.Message;
import dev.courier.store.jdbc.JdbcDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs the mailbox store's statements on a connection it is given; which connection and transaction, and the errors
 * callers see, are the store's. A take needs no {@code SKIP LOCKED}: it lists the oldest candidates without locking
 * them, and each {@code DELETE} by id decides who took one, since of two transactions deleting a row only one
 * deletes it (the other waits for it, then finds it gone, or finds it back if the first rolls back).
 */
public final class MailboxStatements {
    /** How many of the oldest matching messages one look lists as candidates. */
    public static final int CANDIDATES = 10;
    /**
     * How many looks a take makes while other takers keep taking every candidate it listed, before it reports none.
     * Each lost look means others took its candidates, so a take that gives up has seen others make progress.
     */
    public static final int LOOKS = 8;

    private final MailboxSql sql;
    private final MessageRows rows;
    private final JdbcDialect dialect;

    public MailboxStatements(MailboxSql sql, MessageRows rows, JdbcDialect dialect) {
        this.sql = sql;
        this.rows = rows;
        this.dialect = dialect;
    }

    /** Inserts the message; false when one with its id is kept already. */
    public boolean insert(Connection connection, String recipient, String type, Message message, long nowMicros)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.insert())) {
            rows.bind(statement, message, nowMicros);
            statement.setString(14, recipient);
            statement.setString(15, type);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            if (dialect.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Takes the oldest message for {@code recipient} whose type is one of {@code types} (not empty) by deleting it
     * in the connection's transaction, which the caller commits or rolls back.
     */
    public Optional<Message> take(Connection connection, String recipient, List<String> types) throws SQLException {
        String candidates = sql.candidates(types.size(), CANDIDATES);
        for (int look = 0; look < LOOKS; look++) {
            List<UUID> ids = candidates(connection, candidates, recipient, types);
            for (UUID id : ids) {
                Optional<Message> message = read(connection, id);
                if (message.isPresent() && delete(connection, id)) {
                    return message;
                }
            }
            if (ids.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public long count(Connection connection, String recipient) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.count())) {
            statement.setString(1, recipient);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private List<UUID> candidates(Connection connection, String query, String recipient, List<String> types)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            for (int i = 0; i < types.size(); i++) {
                statement.setString(2 * i + 1, recipient);
                statement.setString(2 * i + 2, types.get(i));
            }
            List<UUID> ids = new ArrayList<>(CANDIDATES);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    ids.add(dialect.nativeUuid() ? result.getObject(1, UUID.class)
                            : UUID.fromString(result.getString(1)));
                }
            }
            return ids;
        }
    }

    /** The message, read before it is deleted (a deleted row can no longer be read); empty when it is gone. */
    private Optional<Message> read(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.read())) {
            rows.setUuid(statement, 1, id);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? Optional.of(rows.read(result)) : Optional.empty();
            }
        }
    }

    private boolean delete(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.delete())) {
            rows.setUuid(statement, 1, id);
            return statement.executeUpdate() == 1;
        }
    }
}
