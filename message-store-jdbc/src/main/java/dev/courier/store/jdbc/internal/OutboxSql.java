package dev.courier.store.jdbc.internal;

import dev.courier.store.jdbc.JdbcDialect;
import java.util.Collections;

/** The outbox's SQL for one table and dialect, built once. Table names are checked identifiers. */
public final class OutboxSql {
    /** Rows one retention {@code DELETE} removes at most, so that no single transaction grows without limit. */
    public static final int DELETE_CHUNK = 5_000;
    private static final String CLAIMABLE = " WHERE dispatched_at IS NULL AND created_at <= ?"
            + " AND (lease_until IS NULL OR lease_until <= ?) AND parked_at IS NULL"
            + " ORDER BY created_at, seq LIMIT ? FOR UPDATE SKIP LOCKED";

    private final String table;
    private final JdbcDialect dialect;
    private final String insert;

    public OutboxSql(String table, JdbcDialect dialect) {
        this.table = table;
        this.dialect = dialect;
        this.insert = "INSERT INTO " + table + " (" + MessageRows.INSERT_COLUMNS + ") VALUES ("
                + MessageRows.INSERT_PARAMETERS + ")";
    }

    /** The insert, built once: it runs on every add. */
    public String insert() {
        return insert;
    }

    public String get() {
        return "SELECT " + MessageRows.SELECT_COLUMNS + " FROM " + table + " WHERE message_id = ?";
    }

    /** Whether {@link #claimAndLease} is available: one statement instead of {@link #claim} plus {@link #lease}. */
    public boolean claimsInOneStatement() {
        return dialect == JdbcDialect.POSTGRESQL;
    }

    /**
     * PostgreSQL: locks, leases and returns the claimable rows in one statement. Parameters: created before, now,
     * limit, lease until. The rows come back in no particular order (sort by {@code created_at, seq}).
     */
    public String claimAndLease() {
        return "WITH claimable AS (SELECT seq FROM " + table + CLAIMABLE + ") UPDATE " + table + " o"
                + " SET lease_until = ? FROM claimable WHERE o.seq = claimable.seq RETURNING o.created_at, "
                + qualified("o.", MessageRows.SELECT_COLUMNS);
    }

    /**
     * PostgreSQL: run first in the claim's transaction, so that the claim walks the outstanding index in order and
     * stops at the limit. Without it, a table without fresh statistics (new, just filled, never analyzed) gets a
     * plan that reads and sorts every outstanding row on every claim.
     */
    public String claimPlanSettings() {
        return "SET LOCAL enable_sort = off";
    }

    /** Selects and locks the claimable rows, oldest first. Parameters: created before, now, limit. */
    public String claim() {
        return "SELECT created_at, " + MessageRows.SELECT_COLUMNS + " FROM " + table + CLAIMABLE;
    }

    /** Leases {@code count} rows by seq. Parameters: lease until, then the seqs. */
    public String lease(int count) {
        return "UPDATE " + table + " SET lease_until = ? WHERE seq IN (" + placeholders(count) + ")";
    }

    /** Marks {@code count} messages dispatched. Parameters: dispatched at, then the message ids. */
    public String markDispatched(int count) {
        return "UPDATE " + table + " SET dispatched_at = ?, lease_until = NULL WHERE dispatched_at IS NULL"
                + " AND message_id IN (" + placeholders(count) + ")";
    }

    /** Whether {@link #markDispatchedArray} is available: one statement for any number of ids. */
    public boolean marksWithArray() {
        return dialect == JdbcDialect.POSTGRESQL;
    }

    /**
     * PostgreSQL: marks the messages whose ids are in the array parameter dispatched, in one statement, leaving
     * those already dispatched as they are. Parameters: dispatched at, the ids ({@code uuid[]}). The condition is
     * {@code (dispatched_at IS NULL) IS TRUE}, which means {@code dispatched_at IS NULL} but does not match the
     * outstanding index's predicate: with the plain form, a table without fresh statistics gets a plan that scans
     * that whole index and filters it by the ids, instead of looking the ids up in their own index.
     */
    public String markDispatchedArray() {
        return "UPDATE " + table + " SET dispatched_at = ?, lease_until = NULL"
                + " WHERE message_id = ANY(?) AND (dispatched_at IS NULL) IS TRUE";
    }

    /** The creation time of the oldest outstanding message that is not parked (null when there is none). */
    public String oldestOutstanding() {
        return "SELECT MIN(created_at) FROM " + table + " WHERE dispatched_at IS NULL AND parked_at IS NULL";
    }

    public String countOutstanding() {
        return "SELECT COUNT(*) FROM " + table + " WHERE dispatched_at IS NULL";
    }

    /** Deletes up to {@link #DELETE_CHUNK} messages dispatched before the parameter. */
    public String deleteDispatchedChunk() {
        String before = " WHERE dispatched_at IS NOT NULL AND dispatched_at < ?";
        return dialect == JdbcDialect.MARIADB
                ? "DELETE FROM " + table + before + " LIMIT " + DELETE_CHUNK
                : "DELETE FROM " + table + " WHERE seq IN (SELECT seq FROM " + table + before + " LIMIT "
                        + DELETE_CHUNK + ")";
    }

    /**
     * Counts a refusal of an outstanding message, and parks it when this is refusal number {@code parkAfter} or
     * more. Parameters: park after, parked at, reason, message id. {@code parked_at} is set first, from the count
     * before this refusal, whatever order a dialect applies the assignments in.
     */
    public String recordRefusal() {
        return "UPDATE " + table + " SET parked_at = CASE WHEN refusals + 1 >= ? THEN ? ELSE NULL END,"
                + " refusal_reason = ?, refusals = refusals + 1"
                + " WHERE message_id = ? AND dispatched_at IS NULL AND parked_at IS NULL";
    }

    /** Whether a message is parked. Parameter: message id. */
    public String isParked() {
        return "SELECT 1 FROM " + table + " WHERE message_id = ? AND parked_at IS NOT NULL";
    }

    /** The parked messages, longest parked first. Parameter: limit. */
    public String parked() {
        return "SELECT refusals, refusal_reason, parked_at, " + MessageRows.SELECT_COLUMNS + " FROM " + table
                + " WHERE parked_at IS NOT NULL AND dispatched_at IS NULL ORDER BY parked_at, seq LIMIT ?";
    }

    /** A query that reads no row but names every column the outbox uses: fails if one is missing. */
    public static String probe(String table) {
        return "SELECT created_at, lease_until, dispatched_at, refusals, refusal_reason, parked_at, "
                + MessageRows.SELECT_COLUMNS + " FROM " + table + " WHERE 1 = 0";
    }

    private static String qualified(String prefix, String columns) {
        return prefix + String.join(", " + prefix, columns.split(",\\s*"));
    }

    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
