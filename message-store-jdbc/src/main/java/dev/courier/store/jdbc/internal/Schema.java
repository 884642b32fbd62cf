package dev.courier.store.jdbc.internal;

import dev.courier.store.jdbc.JdbcDialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The DDL resources: reads a dialect's file, fills in table names, and runs the statements for one table. */
public final class Schema {
    public static final String OUTBOX_PLACEHOLDER = "${outbox_table}";
    public static final String INBOX_PLACEHOLDER = "${inbox_table}";

    private Schema() {}

    /** The statements in {@code dialect}'s DDL that concern the table {@code placeholder} stands for, filled in. */
    public static List<String> statements(JdbcDialect dialect, String placeholder, String table) {
        List<String> statements = new ArrayList<>();
        for (String statement : withoutComments(read(dialect)).split(";")) {
            if (statement.contains(placeholder)) {
                statements.add(statement.strip().replace(placeholder, table));
            }
        }
        return statements;
    }

    public static void create(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    private static String read(JdbcDialect dialect) {
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(dialect.ddlResource())) {
            if (in == null) {
                throw new IllegalStateException("DDL resource " + dialect.ddlResource() + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dialect.ddlResource(), e);
        }
    }

    private static String withoutComments(String sql) {
        StringBuilder result = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                result.append(line).append('\n');
            }
        }
        return result.toString();
    }
}
