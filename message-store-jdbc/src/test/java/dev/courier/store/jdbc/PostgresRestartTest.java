package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.OutboxTransaction;
import dev.courier.test.Await;
import dev.courier.test.TestServices;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Kills PostgreSQL ({@code pg_ctlcluster ... stop -m immediate}, which is a crash to the server) while writers add
 * messages, starts it again, and checks that every add that reported success survived. Runs only against the
 * local cluster this machine manages; it always starts PostgreSQL again and waits until it answers.
 */
class PostgresRestartTest {
    private static final Path CLUSTERS = Path.of("/etc/postgresql");

    @Test
    void everyAddThatReportedSuccessSurvivesAnImmediateRestart() throws Exception {
        TestDatabase database = TestDatabase.postgres();
        String version = localClusterVersion(database);
        String table = database.uniqueTable("outbox_restart");
        Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try (HikariDataSource pool = pool(database)) {
            JdbcOutbox outbox = JdbcOutbox.builder(pool).table(table).createTables(true).build();
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                running.add(writers.submit(() -> write(outbox, writing, acknowledged, failures)));
            }
            try {
                Await.until(Duration.ofSeconds(30), "200 acknowledged adds", () -> acknowledged.size() >= 200);
                pgCtl(version, "stop", "-m", "immediate");
                Await.until(Duration.ofSeconds(30), "adds failing while PostgreSQL is down", () -> failures.get() > 0);
            } finally {
                startAndAwait(version, database);
            }
            int beforeRecovery = acknowledged.size();
            Await.until(Duration.ofSeconds(60), "200 more acknowledged adds after the restart",
                    () -> acknowledged.size() >= beforeRecovery + 200);
            writing.set(false);
            for (Future<?> writer : running) {
                writer.get(1, TimeUnit.MINUTES);
            }
        } finally {
            writing.set(false);
            writers.shutdownNow();
            startAndAwait(version, database);
        }

        Set<UUID> stored = storedIds(database, table);
        assertThat(failures.get()).as("adds that failed while the server was down").isPositive();
        assertThat(new HashSet<>(acknowledged)).as("acknowledged adds missing after the restart")
                .isSubsetOf(stored);
    }

    private static Void write(JdbcOutbox outbox, AtomicBoolean writing, Set<UUID> acknowledged,
            AtomicInteger failures) {
        while (writing.get()) {
            Message message = new Message(MessageHeader.builder(UUID.randomUUID(), "restart", MessageType.EVENT)
                    .build(), MessageBody.json("{}"));
            try {
                outbox.add(List.of(message), OutboxTransaction.NONE);
                acknowledged.add(message.id());
            } catch (RuntimeException e) {
                failures.incrementAndGet();
            }
        }
        return null;
    }

    private static HikariDataSource pool(TestDatabase database) {
        HikariDataSource pool = database.pool(2);
        pool.setConnectionTimeout(1_000);
        return pool;
    }

    private static String localClusterVersion(TestDatabase database) throws IOException {
        boolean local = database.url().contains("127.0.0.1") || database.url().contains("localhost");
        File[] versions = CLUSTERS.toFile().listFiles(File::isDirectory);
        if (!local || versions == null || versions.length != 1 || !Files.isExecutable(Path.of("/usr/bin/pg_ctlcluster"))) {
            String reason = "a local PostgreSQL cluster managed by pg_ctlcluster (needed to restart it)";
            if (TestServices.ci()) {
                TestServices.unavailable(reason);
            }
            Assumptions.abort("*** " + reason + " is not available: SKIPPING this test ***");
        }
        return versions[0].getName();
    }

    private static void pgCtl(String version, String... action) throws Exception {
        List<String> command = new ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main"));
        command.addAll(List.of(action));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes());
        // Exit code 2 from "start" means it is already running, which is what we want.
        if (process.exitValue() != 0 && !(action[0].equals("start") && process.exitValue() == 2)) {
            throw new IllegalStateException(command + " failed with " + process.exitValue() + ": " + output);
        }
    }

    private static void startAndAwait(String version, TestDatabase database) throws Exception {
        pgCtl(version, "start");
        Await.until(Duration.ofSeconds(60), "PostgreSQL answering again", () -> {
            try (Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                return statement.execute("SELECT 1");
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static Set<UUID> storedIds(TestDatabase database, String table) throws Exception {
        Set<UUID> ids = new HashSet<>();
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT message_id FROM " + table)) {
            while (result.next()) {
                ids.add(result.getObject(1, UUID.class));
            }
        }
        return ids;
    }
}
