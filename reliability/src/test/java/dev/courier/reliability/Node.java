package dev.courier.reliability;

import dev.courier.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@link ConsumerNode} in a JVM of its own, started on this JVM's class path; killed or stopped by the test. */
final class Node implements AutoCloseable {
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
                .toString(), "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
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
}
