package dev.courier.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.test.TestServices;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.containers.MariaDBContainer;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The three databases the store runs on, each behind a HikariCP pool shared by the test JVM: H2 in memory, and
 * PostgreSQL and MariaDB at {@link TestServices}' addresses. Where a server does not answer, a Testcontainers
 * container stands in if Docker is present; otherwise the test is skipped loudly (failed under CI=true). Tables
 * made with {@link #uniqueTable} are dropped when the JVM ends.
 */
public final class TestDatabase {
    public enum Kind { H2, POSTGRESQL, MARIADB }

    private static final ConcurrentHashMap<Kind, Object> SHARED = new ConcurrentHashMap<>();

    private final Kind kind;
    private final String url;
    private final String user;
    private final String password;
    private final HikariDataSource dataSource;
    private final List<String> tables = new CopyOnWriteArrayList<>();

    private TestDatabase(Kind kind, String url, String user, String password) {
        this.kind = kind;
        this.url = url;
        this.user = user;
        this.password = password;
        this.dataSource = pool(6);
        Runtime.getRuntime().addShutdownHook(new Thread(this::dropTablesAndClose, "drop-test-tables-" + kind));
    }

    public static TestDatabase of(Kind kind) {
        Object shared = SHARED.computeIfAbsent(kind, TestDatabase::start);
        if (shared instanceof String unavailable) {
            TestServices.unavailable(unavailable);
        }
        return (TestDatabase) shared;
    }

    public static TestDatabase h2() {
        return of(Kind.H2);
    }

    public static TestDatabase postgres() {
        return of(Kind.POSTGRESQL);
    }

    public static TestDatabase mariadb() {
        return of(Kind.MARIADB);
    }

    private static Object start(Kind kind) {
        return switch (kind) {
            case H2 -> new TestDatabase(kind, "jdbc:h2:mem:courier_" + UUID.randomUUID().toString().substring(0, 8)
                    + ";DB_CLOSE_DELAY=-1", "sa", "");
            case POSTGRESQL -> server(kind, TestServices.POSTGRES_URL, 5432, "PostgreSQL at " + TestServices.POSTGRES_URL,
                    () -> new PostgreSQLContainer<>("postgres:15"));
            case MARIADB -> server(kind, TestServices.MARIADB_URL, 3306, "MariaDB at " + TestServices.MARIADB_URL,
                    () -> new MariaDBContainer<>("mariadb:10.11"));
        };
    }

    private static Object server(Kind kind, String url, int defaultPort, String what,
            Supplier<JdbcDatabaseContainer<?>> container) {
        InetSocketAddress address = TestServices.address(url, defaultPort);
        if (TestServices.answers(address.getHostString(), address.getPort())) {
            return new TestDatabase(kind, url, null, null);
        }
        if (DockerClientFactory.instance().isDockerAvailable()) {
            JdbcDatabaseContainer<?> started = container.get();
            started.start();
            return new TestDatabase(kind, started.getJdbcUrl(), started.getUsername(), started.getPassword());
        }
        return what;
    }

    public Kind kind() {
        return kind;
    }

    public String url() {
        return url;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** A new pool of its own, for tests that act as a second process; the caller closes it. */
    public HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        config.setPoolName("courier-test-" + kind.name().toLowerCase(Locale.ROOT));
        return new HikariDataSource(config);
    }

    /** A table name no other test (in this or another JVM) uses; the table is dropped when the JVM ends. */
    public String uniqueTable(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        tables.add(name);
        return name;
    }

    public void execute(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " on " + kind + ": " + e.getMessage(), e);
        }
    }

    public long count(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                var result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " on " + kind + ": " + e.getMessage(), e);
        }
    }

    private void dropTablesAndClose() {
        for (String table : tables) {
            try {
                execute("DROP TABLE IF EXISTS " + table);
            } catch (RuntimeException e) {
                System.err.println("could not drop test table " + table + ": " + e.getMessage());
            }
        }
        dataSource.close();
    }

    @Override
    public String toString() {
        return kind.toString();
    }
}
