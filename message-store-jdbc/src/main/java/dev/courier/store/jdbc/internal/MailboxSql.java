package dev.courier.store.jdbc.internal;

import dev.courier.store.jdbc.JdbcDialect;
import java.util.Arrays;
import java.util.Collections;
import java.util.stream.Collectors;

/** The mailbox store's SQL for one table and dialect. Table names are checked identifiers; values are all bound. */
public final class MailboxSql {
    /** What stands for the mailbox table's name in the DDL resources. */
    public static final String PLACEHOLDER = "${mailbox_table}";
    /** The columns {@link MessageRows#read} needs: the outbox's, less its {@code seq}, which the mailbox lacks. */
    static final String MESSAGE_COLUMNS = Arrays.stream(MessageRows.SELECT_COLUMNS.split(",\\s*"))
            .filter(column -> !column.equals("seq")).collect(Collectors.joining(", "));

    private final String table;
    private final String insert;
    private final String read;
    private final String delete;
    private final String count;

    public MailboxSql(String table, JdbcDialect dialect) {
        this.table = table;
        // MessageRows binds parameters 1 to 13; the recipient and the type name follow. On PostgreSQL a duplicate
        // is skipped rather than raised: a failed statement there aborts the whole transaction, and put may be
        // running in the caller's.
        this.insert = "INSERT INTO " + table + " (" + MessageRows.INSERT_COLUMNS + ", recipient, type_name) VALUES ("
                + MessageRows.INSERT_PARAMETERS + ", ?, ?)"
                + (dialect == JdbcDialect.POSTGRESQL ? " ON CONFLICT (message_id) DO NOTHING" : "");
        this.read = "SELECT " + MESSAGE_COLUMNS + " FROM " + table + " WHERE message_id = ?";
        this.delete = "DELETE FROM " + table + " WHERE message_id = ?";
        this.count = "SELECT COUNT(*) FROM " + table + " WHERE recipient = ?";
    }

    /** Keeps a message. Parameters: those of {@link MessageRows#bind}, then recipient, type name. */
    public String insert() {
        return insert;
    }

    /**
     * The ids of up to {@code limit} messages for a recipient whose type name is one of {@code types} (a count),
     * oldest first. Parameters: recipient and type name, once per type. Several types make a union of one query
     * per type, each of which reads its few oldest rows in index order: an {@code IN} list instead would read and
     * sort every message the recipient has of those types on every take.
     */
    public String candidates(int types, int limit) {
        String oldest = " ORDER BY created_at, message_id LIMIT " + limit;
        String ofOneType = "SELECT message_id, created_at FROM " + table + " WHERE recipient = ? AND type_name = ?"
                + oldest;
        if (types == 1) {
            return ofOneType;
        }
        return "SELECT message_id FROM (" + String.join(" UNION ALL ", Collections.nCopies(types,
                "(" + ofOneType + ")")) + ") candidates" + oldest;
    }

    /** Reads one message. Parameter: message id. */
    public String read() {
        return read;
    }

    /** Deletes one message; an update count of 1 means this transaction took it. Parameter: message id. */
    public String delete() {
        return delete;
    }

    /** How many messages a recipient has. Parameter: recipient. */
    public String count() {
        return count;
    }

    /** A query that reads no row but names every column the store uses: fails if one is missing. */
    public static String probe(String table) {
        return "SELECT recipient, type_name, created_at, " + MESSAGE_COLUMNS + " FROM " + table + " WHERE 1 = 0";
    }
}
