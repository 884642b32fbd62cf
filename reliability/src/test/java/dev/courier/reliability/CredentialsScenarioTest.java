package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.transport.rabbitmq.RabbitMqTransport;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario 9: a canary password in AMQP URIs and JDBC URLs never shows, at log level TRACE, in anything a process
 * writes: logs, exception chains (causes, suppressed, messages, toString, stack traces), or the toString of the
 * config, transport, producer and outbox. The {@link CredentialsProbe} runs in a JVM of its own with slf4j-simple at
 * TRACE, through malformed URIs, a refused connection, failed authentication against the real broker and database,
 * and a connection that works (a broker user created with the canary password).
 */
class CredentialsScenarioTest {
    private static final String CANARY = "Canary-Pw-7731";

    @Test
    void aPasswordNeverShowsInLogsExceptionsOrToStringAtTrace() throws Exception {
        long started = System.nanoTime();
        Services.require();
        String prefix = "rel_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String user = prefix + "_user";
        String table = prefix + "_outbox";
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // closed again before the probe connects
        }
        Path log = Path.of("target", "credentials-probe-" + prefix + ".log");
        Files.createDirectories(log.getParent());
        Services.ctl("add_user", user, CANARY);
        String output;
        try {
            Services.ctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                    "-Dorg.slf4j.simpleLogger.logFile=System.err", "-cp", System.getProperty("java.class.path"),
                    CredentialsProbe.class.getName(), CANARY, Integer.toString(closedPort), user, prefix + "_x",
                    table);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the probe did not finish; see " + log);
            }
            output = Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            Services.ctl("delete_user", user);
            try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            Services.deleteQueuesAndExchanges(prefix,
                    RabbitMqTransport.declaredExchanges(prefix + "_x").toArray(String[]::new));
        }
        List<String> leaks = output.lines().filter(line -> line.contains(CANARY)).collect(Collectors.toList());
        List<String> cases = output.lines().filter(line -> line.startsWith("CASE ")).collect(Collectors.toList());
        long logLines = output.lines().filter(line -> line.contains(" TRACE ") || line.contains(" DEBUG ")).count();
        new Figures("9 credentials at TRACE", cases.size(), cases.size(), cases.size(), 0, 0, 0,
                Duration.ofNanos(System.nanoTime() - started), cases.size() + " cases (5 malformed AMQP URIs, "
                        + "refused, wrong password, working; malformed, refused, unknown role, working JDBC URL); "
                        + output.length() + " characters written, " + logLines
                        + " DEBUG/TRACE lines; lines with the password: " + leaks.size()).report();
        assertThat(output).as("the probe finished (see " + log + ")").contains("PROBE DONE");
        assertThat(cases).containsExactly(
                "CASE amqp-malformed-path failed java.lang.IllegalArgumentException",
                "CASE amqp-malformed-port failed java.lang.IllegalArgumentException",
                "CASE amqp-malformed-host failed java.lang.IllegalArgumentException",
                "CASE amqp-malformed-escape failed java.lang.IllegalArgumentException",
                "CASE amqp-malformed-scheme failed java.lang.IllegalArgumentException",
                "CASE amqp-refused failed dev.courier.ChannelFailureException",
                "CASE amqp-wrong-password failed dev.courier.ChannelFailureException",
                "CASE amqp-works ok",
                // HikariCP itself refuses a URL no driver accepts (RuntimeException, password masked by Hikari)
                "CASE jdbc-malformed-port failed java.lang.RuntimeException",
                "CASE jdbc-refused failed dev.courier.store.jdbc.JdbcStoreException",
                "CASE jdbc-unknown-role failed dev.courier.store.jdbc.JdbcStoreException",
                "CASE jdbc-works ok");
        assertThat(logLines).as("DEBUG/TRACE lines captured").isPositive();
        assertThat(leaks).as("lines of " + log + " with the password").isEmpty();
    }
}
