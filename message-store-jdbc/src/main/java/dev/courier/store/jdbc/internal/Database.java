package dev.courier.store.jdbc.internal;

import dev.courier.store.jdbc.JdbcDialect;
import dev.courier.store.jdbc.JdbcStoreException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a store learned about its database at start-up: the dialect and the URL with passwords removed. {@link
 * #check} fails with a message naming the table and that URL when the database cannot be reached, is of the wrong
 * kind, or lacks the table.
 *
 * @param dialect the dialect in use
 * @param url     the database URL without passwords, for messages
 */
public record Database(JdbcDialect dialect, String url) {

    /** What to check: the table, its role ("outbox"), its DDL placeholder, and a query that reads no row from it. */
    public record Table(String role, String name, String placeholder, String probe) {}

    public static Database check(DataSource dataSource, JdbcDialect configured, Table table, boolean createTables) {
        String configuredUrl = Redaction.configuredUrl(dataSource);
        List<String> secrets = Redaction.secrets(configuredUrl);
        String where = configuredUrl == null ? "the configured data source" : Redaction.url(configuredUrl);
        try (Connection connection = connect(dataSource, table, where, secrets)) {
            DatabaseMetaData metaData = connection.getMetaData();
            String url = metaData.getURL() == null ? where : Redaction.url(metaData.getURL());
            secrets.addAll(Redaction.secrets(metaData.getURL()));
            JdbcDialect dialect = dialect(metaData, configured, url);
            Optional<String> unsupported = dialect.unsupportedVersion(metaData);
            if (unsupported.isPresent()) {
                throw new JdbcStoreException("the database at " + url + " cannot hold the " + table.role() + " table "
                        + table.name() + ": " + unsupported.get());
            }
            if (createTables) {
                Schema.create(connection, Schema.statements(dialect, table.placeholder(), table.name()));
            }
            probe(connection, table, dialect, url, secrets);
            return new Database(dialect, url);
        } catch (SQLException e) {
            throw new JdbcStoreException("cannot set up the " + table.role() + " table " + table.name() + " in the "
                    + "database at " + where + ": " + Redaction.text(e.getMessage(), secrets), safeCause(e, secrets));
        }
    }

    private static Connection connect(DataSource dataSource, Table table, String where, List<String> secrets) {
        try {
            return dataSource.getConnection();
        } catch (SQLException | RuntimeException e) {
            throw new JdbcStoreException("cannot connect to the database at " + where + " for the " + table.role()
                    + " table " + table.name() + ": " + Redaction.text(describe(e), secrets), safeCause(e, secrets));
        }
    }

    private static JdbcDialect dialect(DatabaseMetaData metaData, JdbcDialect configured, String url)
            throws SQLException {
        String product = metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion();
        Optional<JdbcDialect> detected = JdbcDialect.detect(metaData);
        if (detected.isEmpty()) {
            throw new JdbcStoreException("the database at " + url + " is " + product
                    + ", which the JDBC store does not support (PostgreSQL, MariaDB/MySQL, H2)");
        }
        if (configured != null && configured != detected.get()) {
            throw new JdbcStoreException("dialect " + configured + " was configured, but the database at " + url
                    + " is " + product + " (dialect " + detected.get() + ")");
        }
        return detected.get();
    }

    private static void probe(Connection connection, Table table, JdbcDialect dialect, String url,
            List<String> secrets) {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery(table.probe()).close();
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw new JdbcStoreException("the " + table.role() + " table " + table.name() + " is missing or lacks "
                    + "columns in the database at " + url + " (" + Redaction.text(e.getMessage(), secrets) + "); "
                    + "create it with createTables(true), or apply the DDL in " + dialect.ddlResource());
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is being given up anyway
        }
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    /** The exception as a cause, unless some text in its chain quotes a secret: then none (its text is in ours). */
    private static Throwable safeCause(Throwable e, List<String> secrets) {
        for (Throwable current = e; current != null; current = current.getCause()) {
            String text = String.valueOf(current.getMessage()) + current;
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    return null;
                }
            }
            if (current == current.getCause()) {
                break;
            }
        }
        return e;
    }
}
