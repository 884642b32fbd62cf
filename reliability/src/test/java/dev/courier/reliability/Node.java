package dev.courier.reliability;

import dev.courier.test.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@link ConsumerNode} in a JVM of its own, started on this JVM's class path; killed or stopped by the test. */
final class Node implements AutoCloseable {
    /** The time stamp that starts each line of a node's log (slf4j-simple's {@code dateTimeFormat}). */
    private static final String LOG_TIME = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";
    private final Process process;
    private final Path log;
    private volatile String ready;
    private volatile String stopped;

    private Node(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("READY")) {
                        ready = line;
                    } else if (line.startsWith("STOPPED")) {
                        stopped = line;
                    }
                }
            } catch (Exception e) {
                // the process died
            }
        }, "node-reader-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a consumer process with these options and waits until its pumps run. */
    static Node start(Map<String, String> options) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=" + LOG_TIME,
                "-cp",
                System.getProperty("java.class.path"), ConsumerNode.class.getName()));
        options.forEach((k, v) -> command.add(k + "=" + v));
        try {
            Path log = Path.of("target", "node-" + options.get("name") + "-" + System.nanoTime() + ".log");
            log.toFile().getParentFile().mkdirs();
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            Node node = new Node(process, log);
            Await.until(Duration.ofSeconds(60), "consumer process to start (see " + log + ")",
                    () -> node.ready != null || !process.isAlive());
            if (node.ready == null) {
                throw new AssertionError("consumer process exited with " + process.exitValue() + "; see " + log);
            }
            return node;
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot start a consumer process", e);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no close, no ack, the sockets just die. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Closes stdin: the node stops its dispatcher gracefully and exits. Returns whether it stopped cleanly. */
    boolean stop() throws Exception {
        if (!process.isAlive()) {
            return false;
        }
        process.getOutputStream().close();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return stopped != null && stopped.endsWith("true");
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    Path log() {
        return log;
    }

    /**
     * When the node logged the first line that contains {@code fragment} (in a message or in a stack trace below
     * it): the time stamp of the last stamped line up to there; null when no line contains it.
     */
    Instant loggedAt(String fragment) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read " + log, e);
        }
        DateTimeFormatter stamp = DateTimeFormatter.ofPattern(LOG_TIME);
        Instant last = null;
        for (String line : lines) {
            int space = line.indexOf(' ');
            if (space > 0) {
                try {
                    last = OffsetDateTime.parse(line.substring(0, space), stamp).toInstant();
                } catch (DateTimeParseException e) {
                    // a stack trace or continuation line: it belongs to the last stamped one
                }
            }
            if (line.contains(fragment)) {
                return last;
            }
        }
        return null;
    }
}
