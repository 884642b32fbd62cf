package dev.courier.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Addresses of the servers that transport and store tests use, from environment variables with the project's
 * defaults, and one rule for when a server does not answer: skip loudly, or fail under {@code CI=true}.
 * (Modules that have Testcontainers try it in between, where Docker is present.)
 */
public final class TestServices {
    public static final String RABBITMQ_URI = env("COURIER_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672/%2F");
    public static final String POSTGRES_URL =
            env("COURIER_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    public static final String MARIADB_URL = env("COURIER_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?user=root");

    private TestServices() {}

    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Whether something accepts TCP connections at host:port within two seconds. */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** host:port of a URI such as amqp://... or jdbc:postgresql://... */
    public static InetSocketAddress address(String uri, int defaultPort) {
        URI parsed = URI.create(uri.startsWith("jdbc:") ? uri.substring(5) : uri);
        return InetSocketAddress.createUnresolved(parsed.getHost(), parsed.getPort() < 0 ? defaultPort : parsed.getPort());
    }

    /** Skips the test (or fails it under CI=true) unless the RabbitMQ and PostgreSQL of the environment answer. */
    public static void requireRabbitMqAndPostgres() {
        require("RabbitMQ", RABBITMQ_URI, 5672);
        require("PostgreSQL", POSTGRES_URL, 5432);
    }

    /** Skips the test (or fails it under CI=true) unless the server {@code name} at {@code uri} answers. */
    public static void require(String name, String uri, int defaultPort) {
        InetSocketAddress server = address(uri, defaultPort);
        if (!answers(server.getHostString(), server.getPort())) {
            unavailable(name + " at " + server);
        }
    }

    /** Skips the test with a loud message, or fails it under CI=true, because {@code what} is not there. */
    public static void unavailable(String what) {
        String message = "*** " + what + " is not available and Docker is not present: "
                + (ci() ? "failing, because CI=true" : "SKIPPING this test") + " ***";
        System.err.println(message);
        if (ci()) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }

    /** Drops the tables (those that exist) of the database at the JDBC {@code url}: a test's teardown. */
    public static void dropTables(String url, String... tables) throws java.sql.SQLException {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(url);
                java.sql.Statement sql = db.createStatement()) {
            for (String table : tables) {
                sql.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
