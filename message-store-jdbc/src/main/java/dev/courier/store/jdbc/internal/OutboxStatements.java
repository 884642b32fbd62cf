package dev.courier.store.jdbc.internal;

import dev.courier.message.Message;
import dev.courier.spi.ParkedMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Runs the outbox's statements on a connection it is given: insert, read, claim and lease, mark dispatched, count,
 * delete. Which connection and transaction, the bound on outstanding messages, and the errors callers see are the
 * outbox's.
 */
public final class OutboxStatements {
    /** Ids per {@code IN (...)} list: one statement per batch of up to this many. */
    static final int IDS_PER_STATEMENT = 500;

    private final OutboxSql sql;
    private final MessageRows rows;
    private final Clock clock;

    public OutboxStatements(OutboxSql sql, MessageRows rows, Clock clock) {
        this.sql = sql;
        this.rows = rows;
        this.clock = clock;
    }

    /** Inserts the messages, stamped with the clock's time: one statement, or one batch for several. */
    public void insert(Connection connection, List<Message> batch) throws SQLException {
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
        }
    }

    public Optional<Message> get(Connection connection, UUID messageId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.get())) {
            rows.setUuid(statement, 1, messageId);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? Optional.of(rows.read(result)) : Optional.empty();
            }
        }
    }

    /**
     * Claims up to {@code limit} outstanding messages created before {@code createdBefore} whose lease (if any) ran
     * out, oldest first, and leases them for {@code lease}: in one statement where the dialect can, else a select
     * that locks them and updates by seq. Run it in a transaction of its own.
     */
    public List<Message> claim(Connection connection, Instant createdBefore, int limit, Duration lease)
            throws SQLException {
        return sql.claimsInOneStatement()
                ? claimInOneStatement(connection, createdBefore, limit, lease)
                : claimThenLease(connection, createdBefore, limit, lease);
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

    private List<Message> claimThenLease(Connection connection, Instant createdBefore, int limit, Duration lease)
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

    /** Marks the messages dispatched at {@code at}; returns how many were outstanding until now. */
    public int markDispatched(Connection connection, List<UUID> ids, Instant at) throws SQLException {
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

    /** Counts the outstanding messages (on the given connection, so that its uncommitted rows count). */
    public long countOutstanding(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.countOutstanding());
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    /** When the oldest outstanding message that is not parked was created; empty when there is none. */
    public Optional<Instant> oldestOutstanding(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.oldestOutstanding());
                ResultSet result = statement.executeQuery()) {
            result.next();
            long micros = result.getLong(1);
            return result.wasNull() ? Optional.empty() : Optional.of(Micros.toInstant(micros));
        }
    }

    /**
     * Deletes the messages dispatched before {@code cutoff} in chunks of {@link OutboxSql#DELETE_CHUNK}, each its own
     * transaction, so that a backlog of millions is never one huge transaction; returns how many.
     */
    public int deleteDispatchedBefore(DataSource dataSource, Instant cutoff) throws SQLException {
        int deleted = 0;
        int chunk;
        do {
            chunk = ReadCommitted.run(dataSource, connection -> deleteDispatchedChunk(connection, cutoff));
            deleted += chunk;
        } while (chunk == OutboxSql.DELETE_CHUNK);
        return deleted;
    }

    /** Deletes up to {@link OutboxSql#DELETE_CHUNK} messages dispatched before {@code cutoff}; returns how many. */
    public int deleteDispatchedChunk(Connection connection, Instant cutoff) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.deleteDispatchedChunk())) {
            statement.setLong(1, Micros.of(cutoff));
            return statement.executeUpdate();
        }
    }

    /** Counts a refusal and parks the message after {@code parkAfter}; returns true when it is parked now. */
    public boolean recordRefusal(Connection connection, UUID messageId, String reason, Instant at, int parkAfter)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.recordRefusal())) {
            statement.setInt(1, parkAfter);
            statement.setLong(2, Micros.of(at));
            String text = String.valueOf(reason);
            statement.setString(3, text.length() > 1000 ? text.substring(0, 1000) : text);
            rows.setUuid(statement, 4, messageId);
            if (statement.executeUpdate() == 0) {
                return false;
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.isParked())) {
            rows.setUuid(statement, 1, messageId);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        }
    }

    /** Up to {@code limit} parked messages, longest parked first. */
    public List<ParkedMessage> parked(Connection connection, int limit) throws SQLException {
        List<ParkedMessage> parked = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.parked())) {
            statement.setInt(1, limit);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    parked.add(new ParkedMessage(rows.read(result), result.getInt("refusals"),
                            String.valueOf(result.getString("refusal_reason")),
                            Micros.toInstant(result.getLong("parked_at"))));
                }
            }
        }
        return parked;
    }
}
