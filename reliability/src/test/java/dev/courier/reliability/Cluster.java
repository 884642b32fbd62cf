package dev.courier.reliability;

import dev.courier.test.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The three-node RabbitMQ cluster of {@code scripts/rabbitmq-cluster.sh} (nodes c1..c3 on 127.0.0.1:5681-5683),
 * started by the scenarios that need it and stopped after them. The broker on 5672 is left alone.
 */
final class Cluster {
    static final String URI = "amqp://guest:guest@127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683/%2F";
    private static final Path SCRIPT = Path.of("..", "scripts", "rabbitmq-cluster.sh").toAbsolutePath().normalize();

    private Cluster() {}

    /** Starts the three nodes and joins them (about 30 s on two cores); skips, or fails under CI, without the tools. */
    static void start() {
        if (!Files.isReadable(SCRIPT)) {
            throw new AssertionError("cluster script missing: " + SCRIPT);
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/rabbitmq-server")) && !onPath()) {
            TestServices.unavailable("rabbitmq-server (the cluster scenarios start a three-node cluster)");
        }
        script("start");
    }

    static void stop() {
        script("stop");
    }

    /** SIGKILLs node cN's Erlang VM. */
    static void kill(int node) {
        script("kill", String.valueOf(node));
    }

    /** Stops node cN cleanly (its clients get a connection.close). */
    static void stopNode(int node) {
        script("stop-node", String.valueOf(node));
    }

    /** Starts node cN again; it rejoins the cluster with its data. */
    static void restart(int node) {
        script("restart", String.valueOf(node));
    }

    /** The node (1..3) that leads quorum queue {@code queue}. */
    static int leaderOf(String queue) {
        String leader = column(queue, "leader");
        if (!leader.matches("c[123]@localhost")) {
            throw new AssertionError("no leader listed for queue " + queue + ": " + leader);
        }
        return leader.charAt(1) - '0';
    }

    /** Messages in queue {@code queue} (ready and unacknowledged). */
    static long messages(String queue) {
        return Long.parseLong(column(queue, "messages"));
    }

    /** One column of {@code rabbitmqctl list_queues} for {@code queue}, asked of the first node that answers. */
    private static String column(String queue, String column) {
        AssertionError last = null;
        for (int n = 1; n <= 3; n++) {
            try {
                String out = Services.run("rabbitmqctl", "-q", "-n", "c" + n + "@localhost", "list_queues",
                        "--no-table-headers", "name", column);
                for (String line : out.split("\n")) {
                    String[] parts = line.trim().split("\\s+");
                    if (parts.length == 2 && parts[0].equals(queue)) {
                        return parts[1];
                    }
                }
                throw new AssertionError("no queue " + queue + " listed by c" + n + ": " + out);
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    private static String script(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        return Services.run(command.toArray(String[]::new));
    }

    private static boolean onPath() {
        return java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "rabbitmq-server")));
    }
}
