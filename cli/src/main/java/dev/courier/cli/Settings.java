package dev.courier.cli;

import dev.courier.cli.CourierCli.SettingsException;
import dev.courier.store.jdbc.JdbcOutbox;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import dev.courier.transport.rabbitmq.TopologyMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where the tool connects, shared by every command: each setting from its flag, else from the environment, else from
 * the {@code --config} file (a properties file). Passwords are never taken from a flag (shell history, process lists):
 * they come inside the AMQP URI, from {@code COURIER_JDBC_PASSWORD}, or from the file; they are never printed.
 */
final class Settings {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file with amqp.uri, exchange, jdbc.url, jdbc.user, jdbc.password, "
                    + "outbox.table, control.secret.")
    Path config;

    @Option(names = "--amqp-uri", paramLabel = "URI",
            description = "The RabbitMQ URI (env COURIER_AMQP_URI, file amqp.uri).")
    String amqpUri;

    @Option(names = "--exchange", paramLabel = "NAME",
            description = "Courier's exchange (env COURIER_EXCHANGE, file exchange; default courier).")
    String exchange;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "The outbox's database (env COURIER_JDBC_URL, file jdbc.url).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", paramLabel = "USER",
            description = "The database user (env COURIER_JDBC_USER, file jdbc.user).")
    String jdbcUser;

    @Option(names = "--outbox-table", paramLabel = "TABLE",
            description = "The outbox table (env COURIER_OUTBOX_TABLE, file outbox.table; default courier_outbox).")
    String outboxTable;

    @Option(names = "--json", description = "Print JSON instead of tables, for scripts.")
    boolean json;

    private Properties file;

    CourierCli cli() {
        return (CourierCli) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The setting from its flag, the environment or the file; null when none gives it. */
    String setting(String flag, String env, String key) {
        if (flag != null) {
            return flag;
        }
        String fromEnv = cli().environment.get(env);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return file().getProperty(key);
    }

    String required(String flag, String env, String key, String option) {
        String value = setting(flag, env, key);
        if (value == null || value.isBlank()) {
            throw new SettingsException("No " + key + " given: use " + option + ", the environment variable " + env
                    + ", or " + key + " in the --config file");
        }
        return value;
    }

    /** The broker for dead-letter commands: nothing declared (the tool never creates an exchange by a typo). */
    RabbitMqTransport rabbit() {
        return rabbit(TopologyMode.ASSUME);
    }

    /** The broker; {@code mode} CREATE where the tool needs a queue of its own (a reply queue for channel control). */
    RabbitMqTransport rabbit(TopologyMode mode) {
        String uri = required(amqpUri, "COURIER_AMQP_URI", "amqp.uri", "--amqp-uri");
        String name = setting(exchange, "COURIER_EXCHANGE", "exchange");
        RabbitMqConfig config;
        try {
            config = RabbitMqConfig.builder().uri(uri).exchange(name == null ? "courier" : name)
                    .connectionName("courier-cli").topologyMode(mode).build();
        } catch (IllegalArgumentException e) {
            throw new SettingsException("The AMQP URI is not valid: " + e.getMessage());
        }
        return RabbitMqTransport.connect(config);
    }

    JdbcOutbox outbox() {
        String url = required(jdbcUrl, "COURIER_JDBC_URL", "jdbc.url", "--jdbc-url");
        String user = setting(jdbcUser, "COURIER_JDBC_USER", "jdbc.user");
        String password = setting(null, "COURIER_JDBC_PASSWORD", "jdbc.password");
        String table = setting(outboxTable, "COURIER_OUTBOX_TABLE", "outbox.table");
        JdbcOutbox.Builder builder = JdbcOutbox.builder(new UrlDataSource(url, user, password));
        return (table == null ? builder : builder.table(table)).build();
    }

    private Properties file() {
        if (file == null) {
            file = new Properties();
            if (config != null) {
                try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                    file.load(reader);
                } catch (IOException e) {
                    throw new SettingsException("Cannot read the --config file " + config + ": " + e);
                }
            }
        }
        return file;
    }

    /** A data source over {@link DriverManager}: the tool opens a few connections, no pool needed. */
    private record UrlDataSource(String url, String user, String password) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public Connection getConnection(String username, String pass) throws SQLException {
            return DriverManager.getConnection(url, username, pass);
        }

        @Override public PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(PrintWriter out) {}
        @Override public void setLoginTimeout(int seconds) {}
        @Override public int getLoginTimeout() { return 0; }
        @Override public Logger getParentLogger() { return Logger.getGlobal(); }
        @Override public <T> T unwrap(Class<T> type) throws SQLException { throw new SQLException("not a wrapper"); }
        @Override public boolean isWrapperFor(Class<?> type) { return false; }

        @Override
        public String toString() {
            return Redaction.maskUris(url);
        }
    }
}
