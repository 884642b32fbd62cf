package dev.courier.reliability;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.courier.test.Await;
import dev.courier.test.Rabbitmqctl;
import dev.courier.test.TestServices;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The servers this machine runs and the tools that attack them: {@code rabbitmqctl} and {@code pg_ctlcluster}.
 * Every stop has a start that waits until the server answers again; scenarios call it in a finally block.
 */
final class Services {
    static final String RABBITMQ_URI = TestServices.RABBITMQ_URI;
    static final String POSTGRES_URL = TestServices.POSTGRES_URL;

    private Services() {}

    /** Skips (or fails under CI=true) unless RabbitMQ and PostgreSQL both answer and the tools are here. */
    static void require() {
        InetSocketAddress rabbit = rabbitAddress();
        InetSocketAddress postgres = TestServices.address(POSTGRES_URL, 5432);
        if (!TestServices.answers(rabbit.getHostString(), rabbit.getPort())) {
            TestServices.unavailable("RabbitMQ at " + rabbit);
        }
        if (!TestServices.answers(postgres.getHostString(), postgres.getPort())) {
            TestServices.unavailable("PostgreSQL at " + postgres);
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl")) && !onPath("rabbitmqctl")) {
            TestServices.unavailable("rabbitmqctl (the suite stops and starts the broker)");
        }
    }

    /** host:port of the broker. */
    static InetSocketAddress rabbitAddress() {
        return TestServices.address(RABBITMQ_URI, 5672);
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** Runs a command and returns its output; fails when it exits non-zero. */
    static String run(String... command) {
        return Rabbitmqctl.command(command);
    }

    static String ctl(String... args) {
        return Rabbitmqctl.run(args);
    }

    static void stopBroker() {
        ctl("stop_app");
    }

    /**
     * SIGKILLs the broker's Erlang VM (no clean shutdown: what the disk holds is all that survives), then starts the
     * broker again and waits until a fresh AMQP connection opens. Returns how long it was down.
     */
    static Duration killBrokerAndRestart() {
        String pid = ctl("eval", "list_to_integer(os:getpid()).").trim();
        // RabbitMQ 3.10 keeps a quorum queue's Raft term and vote in a table it writes to disk every 5 s (ra_log_meta,
        // auto_save 5000 ms): one declared less than that before a SIGKILL may never elect a leader after the restart,
        // its messages stuck (seen here: delay levels declared by the scenario 5 s before the kill, 4 of 6 without a
        // leader). That is the broker losing its own metadata, not what these scenarios test, so the table is written
        // out first; everything Courier relies on (confirmed messages, declared queues) is already on disk.
        ctl("eval", "dets:sync(ra_log_meta), dets:sync(ra_directory_reverse).");
        long killed = System.nanoTime();
        try {
            run("kill", "-9", pid);
            Await.until(Duration.ofSeconds(30), "the broker's VM " + pid + " to die",
                    () -> ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true));
        } finally {
            run("rabbitmq-server", "-detached");
            Await.until(Duration.ofSeconds(120), "RabbitMQ to accept connections after the kill", () -> {
                try (Connection connection = rawConnection("courier-reliability-probe")) {
                    return connection.isOpen();
                } catch (AssertionError | Exception e) {
                    return false; // not up yet
                }
            });
        }
        return Duration.ofNanos(System.nanoTime() - killed);
    }

    /** start_app, then waits until a fresh AMQP connection opens. Safe to call when the broker already runs. */
    static void startBrokerAndWait() {
        ctl("start_app");
        Await.until(Duration.ofSeconds(90), "RabbitMQ to accept connections again", () -> {
            try (Connection connection = rawConnection("courier-reliability-probe")) {
                return connection.isOpen();
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Broker connection pids whose client-provided name starts with {@code prefix}. */
    static List<String> connections(String prefix) {
        List<String> pids = new ArrayList<>();
        for (String line : ctl("list_connections", "-q", "--no-table-headers", "pid", "client_properties")
                .split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.contains("{\"connection_name\",\"" + prefix)) {
                pids.add(line.substring(0, tab).trim());
            }
        }
        return pids;
    }

    /** Closes every connection whose name starts with {@code prefix}; returns how many. */
    static int closeConnections(String prefix) {
        List<String> pids = connections(prefix);
        for (String pid : pids) {
            try {
                ctl("close_connection", pid, "closed by the Courier reliability suite");
            } catch (AssertionError e) {
                // it went away on its own meanwhile
            }
        }
        return pids.size();
    }

    /** A client connection without recovery, for raw publishing and inspection. */
    static Connection rawConnection(String name) {
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(RABBITMQ_URI);
            factory.setAutomaticRecoveryEnabled(false);
            factory.setConnectionTimeout(5000);
            return factory.newConnection(name);
        } catch (Exception e) {
            throw new AssertionError("cannot connect to RabbitMQ", e);
        }
    }

    /** {ready, unacknowledged} of a queue, from the broker's own listing. */
    static long[] queueCounts(String queue) {
        for (String[] row : queueRows()) {
            if (row[0].equals(queue)) {
                return new long[] {Long.parseLong(row[1]), Long.parseLong(row[2])};
            }
        }
        throw new AssertionError("no queue " + queue);
    }

    /** Every queue the broker lists, as name, messages ready and messages unacknowledged. */
    private static List<String[]> queueRows() {
        List<String[]> rows = new ArrayList<>();
        for (String line : ctl("list_queues", "-q", "--no-table-headers", "name", "messages_ready",
                "messages_unacknowledged").split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 3) {
                rows.add(cols);
            }
        }
        return rows;
    }

    /**
     * Every queue whose name starts with {@code prefix}, as {@code name ready/unacked}, one per line: where a
     * scenario's messages are when a wait for them times out (a delay level, the work queue, the unroutable queue).
     */
    static String queuesStartingWith(String prefix) {
        StringBuilder queues = new StringBuilder();
        for (String[] row : queueRows()) {
            if (row[0].startsWith(prefix)) {
                queues.append("\n  ").append(row[0]).append(' ').append(row[1]).append('/').append(row[2]);
            }
        }
        return queues.length() == 0 ? " none" : queues.toString();
    }

    /** Deletes every queue whose name starts with {@code prefix}, and the exchanges named. */
    static void deleteQueuesAndExchanges(String prefix, String... exchanges) {
        try (Connection connection = rawConnection("courier-reliability-cleanup")) {
            for (String line : ctl("list_queues", "-q", "--no-table-headers", "name").split("\n")) {
                String name = line.trim();
                if (name.startsWith(prefix)) {
                    try (Channel channel = connection.createChannel()) {
                        channel.queueDelete(name);
                    } catch (Exception e) {
                        // gone already
                    }
                }
            }
            for (String exchange : exchanges) {
                try (Channel channel = connection.createChannel()) {
                    channel.exchangeDelete(exchange);
                } catch (Exception e) {
                    // gone already
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cleanup failed", e);
        }
    }

    static String pgVersion() {
        try (Stream<Path> versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(p -> p.getFileName().toString()).findFirst()
                    .orElseThrow(() -> new AssertionError("no cluster under /etc/postgresql"));
        } catch (IOException e) {
            TestServices.unavailable("a local PostgreSQL cluster under /etc/postgresql (" + e + ")");
            return null;
        }
    }

    /** Crashes PostgreSQL: {@code stop -m immediate} (no checkpoint; recovery replays the WAL on start). */
    static void crashPostgres() {
        run("pg_ctlcluster", "--skip-systemctl-redirect", pgVersion(), "main", "stop", "-m", "immediate");
    }

    /** Starts PostgreSQL if it is down and waits until it takes queries. Safe to call when it runs. */
    static void startPostgresAndWait() {
        try {
            run("pg_ctlcluster", "--skip-systemctl-redirect", pgVersion(), "main", "start");
        } catch (AssertionError e) {
            if (!String.valueOf(e.getMessage()).contains("already running")) {
                throw e;
            }
        }
        Await.until(Duration.ofSeconds(90), "PostgreSQL to take queries again", () -> {
            try (var c = DriverManager.getConnection(POSTGRES_URL); var s = c.createStatement()) {
                return s.execute("SELECT 1");
            } catch (Exception e) {
                return false;
            }
        });
    }
}
