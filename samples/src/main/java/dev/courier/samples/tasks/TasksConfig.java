package dev.courier.samples.tasks;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the tasks sample runs, read from the environment:
 * <table>
 *   <caption>environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code COURIER_MODE}</td><td>{@code embedded}</td><td>{@code embedded}: in-memory broker and H2, API and
 *       consumer in one JVM; {@code rabbitmq}: RabbitMQ and PostgreSQL, API and consumer as separate processes</td></tr>
 *   <tr><td>{@code COURIER_RABBITMQ_URI}</td><td>{@value #DEFAULT_RABBITMQ_URI}</td><td>the broker</td></tr>
 *   <tr><td>{@code COURIER_POSTGRES_URL}</td><td>{@value #DEFAULT_POSTGRES_URL}</td><td>the database</td></tr>
 *   <tr><td>{@code TASKS_HTTP_PORT}</td><td>8080</td><td>the API's port</td></tr>
 * </table>
 */
public record TasksConfig(Mode mode, String rabbitMqUri, String postgresUrl, int httpPort) {
    public static final String DEFAULT_RABBITMQ_URI = "amqp://guest:guest@127.0.0.1:5672/%2F";
    public static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    /** Which infrastructure the sample uses. */
    public enum Mode {
        /** In-memory transport and an H2 database in the process: nothing to install. */
        EMBEDDED,
        /** RabbitMQ and PostgreSQL: the API and the consumer run as separate processes. */
        RABBITMQ
    }

    public TasksConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(rabbitMqUri, "rabbitMqUri");
        Objects.requireNonNull(postgresUrl, "postgresUrl");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be between 0 and 65535 but was " + httpPort);
        }
    }

    /** Reads the settings from {@code env} (pass {@code System.getenv()}). */
    public static TasksConfig fromEnvironment(Map<String, String> env) {
        String mode = env.getOrDefault("COURIER_MODE", "embedded").trim().toUpperCase(Locale.ROOT);
        Mode parsed;
        try {
            parsed = Mode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("COURIER_MODE must be 'embedded' or 'rabbitmq' but was '"
                    + env.get("COURIER_MODE") + "'", e);
        }
        String port = env.getOrDefault("TASKS_HTTP_PORT", "8080");
        int httpPort;
        try {
            httpPort = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TASKS_HTTP_PORT must be a port number but was '" + port + "'", e);
        }
        return new TasksConfig(parsed, env.getOrDefault("COURIER_RABBITMQ_URI", DEFAULT_RABBITMQ_URI),
                env.getOrDefault("COURIER_POSTGRES_URL", DEFAULT_POSTGRES_URL), httpPort);
    }
}
