package dev.courier.store.jdbc.internal;

import dev.courier.spi.OutboxEntry;
import dev.courier.spi.OutboxQuery;
import dev.courier.spi.OutboxState;
import dev.courier.spi.OutboxStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The outbox's statements for operators, on a connection it is given: list the messages of one state a page at a
 * time, count them by state, and make dispatched or parked messages outstanding again. Every value is a parameter;
 * only the checked table name and fixed conditions are written into the SQL.
 *
 * <p>Indexes: an outstanding or parked page reads the undispatched rows from the cursor's (or the range's) creation
 * time on, in {@code created_at} order, from the index on undispatched rows (PostgreSQL's partial outstanding index,
 * the state index elsewhere), and sorts them by id within a creation time: PostgreSQL stops reading at the limit,
 * MariaDB and H2 read every row the range leaves. The schema has no index that orders dispatched rows by creation
 * time, nor one on topic: a dispatched page reads every dispatched row in the range, and a topic is checked row by
 * row.
 */
public final class OutboxQueries {
    private static final String COLUMNS = "created_at, dispatched_at, refusals, refusal_reason, parked_at, "
            + MessageRows.SELECT_COLUMNS;
    private static final String UNDISPATCHED = " WHERE dispatched_at IS NULL";

    private final String table;
    private final MessageRows rows;

    public OutboxQueries(String table, MessageRows rows) {
        this.table = table;
        this.rows = rows;
    }

    /** The page {@code query} asks for, in {@link OutboxEntry#ORDER}. */
    public List<OutboxEntry> query(Connection connection, OutboxQuery query) throws SQLException {
        List<Object> values = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM ").append(table)
                .append(switch (query.state()) {
                    case OUTSTANDING -> UNDISPATCHED + " AND parked_at IS NULL";
                    case PARKED -> UNDISPATCHED + " AND parked_at IS NOT NULL";
                    case DISPATCHED -> " WHERE dispatched_at IS NOT NULL";
                });
        if (query.topic() != null) {
            sql.append(" AND topic = ?");
            values.add(query.topic());
        }
        if (query.createdFrom() != null) {
            sql.append(" AND created_at >= ?");
            values.add(ceilingMicros(query.createdFrom()));
        }
        if (query.createdBefore() != null) {
            sql.append(" AND created_at < ?");
            values.add(ceilingMicros(query.createdBefore()));
        }
        if (query.afterCreatedAt() != null) {     // (created_at, message_id) > cursor, with a range the index can use
            long after = Micros.of(query.afterCreatedAt());
            sql.append(" AND created_at >= ? AND (created_at > ? OR message_id > ?)");
            Collections.addAll(values, after, after, query.afterId());
        }
        sql.append(" ORDER BY created_at, message_id LIMIT ?");
        values.add(query.limit());
        List<OutboxEntry> page = new ArrayList<>(Math.min(query.limit(), 100));
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            bind(statement, values);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    page.add(entry(result));
                }
            }
        }
        return page;
    }

    /** The counts by state and the oldest outstanding message, in one statement (one snapshot of the table). */
    public OutboxStats stats(Connection connection) throws SQLException {
        String sql = "SELECT SUM(CASE WHEN parked_at IS NULL THEN 1 ELSE 0 END), COUNT(parked_at),"
                + " MIN(CASE WHEN parked_at IS NULL THEN created_at END),"
                + " (SELECT COUNT(*) FROM " + table + " WHERE dispatched_at IS NOT NULL) FROM " + table + UNDISPATCHED;
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            result.next();
            long outstanding = result.getLong(1);
            long parked = result.getLong(2);
            long oldest = result.getLong(3);
            Optional<Instant> oldestOutstanding = result.wasNull() ? Optional.empty()
                    : Optional.of(Micros.toInstant(oldest));
            return new OutboxStats(outstanding, parked, result.getLong(4), oldestOutstanding);
        }
    }

    /**
     * Makes the dispatched and parked messages among {@code ids} outstanding again, clearing dispatch, refusals,
     * parking and lease; returns how many. Outstanding and unknown ids are left alone.
     */
    public int markOutstanding(Connection connection, List<UUID> ids) throws SQLException {
        int changed = 0;
        for (int from = 0; from < ids.size(); from += OutboxStatements.IDS_PER_STATEMENT) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + OutboxStatements.IDS_PER_STATEMENT));
            String sql = "UPDATE " + table + " SET dispatched_at = NULL, lease_until = NULL, refusals = 0,"
                    + " refusal_reason = NULL, parked_at = NULL WHERE message_id IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                    + ") AND (dispatched_at IS NOT NULL OR parked_at IS NOT NULL)";
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                bind(update, new ArrayList<>(chunk));
                changed += update.executeUpdate();
            }
        }
        return changed;
    }

    private OutboxEntry entry(ResultSet row) throws SQLException {
        long dispatchedAt = row.getLong("dispatched_at");
        boolean dispatched = !row.wasNull();
        row.getLong("parked_at");
        OutboxState state = dispatched ? OutboxState.DISPATCHED
                : row.wasNull() ? OutboxState.OUTSTANDING : OutboxState.PARKED;
        return new OutboxEntry(rows.read(row), state, Micros.toInstant(row.getLong("created_at")),
                dispatched ? Micros.toInstant(dispatchedAt) : null, row.getInt("refusals"),
                row.getString("refusal_reason"));
    }

    private void bind(PreparedStatement statement, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            if (value instanceof UUID id) {
                rows.setUuid(statement, i + 1, id);
            } else if (value instanceof String text) {
                statement.setString(i + 1, text);
            } else if (value instanceof Long micros) {
                statement.setLong(i + 1, micros);
            } else {
                statement.setInt(i + 1, (Integer) value);
            }
        }
    }

    /**
     * {@code at} in whole microseconds, rounded up: the stored times are whole microseconds, so a stored time is at
     * or after {@code at} exactly when it is at or after this, and before {@code at} exactly when before this.
     */
    private static long ceilingMicros(Instant at) {
        long floor = Micros.of(at);
        return at.getNano() % 1_000 == 0 || floor == Long.MAX_VALUE ? floor : floor + 1;
    }
}
