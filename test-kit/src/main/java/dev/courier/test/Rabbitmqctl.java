package dev.courier.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code rabbitmqctl} (and other commands) on this machine, for tests that stop and start the local broker. Each call fails the
 * test with the tool's output when the tool fails; a test that stops the broker starts it again in a finally block.
 */
public final class Rabbitmqctl {
    private Rabbitmqctl() {}

    /** Runs {@code rabbitmqctl args...} and returns its output. */
    public static String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        return command(command.toArray(String[]::new));
    }

    /** Runs any command (a {@code kill}, {@code rabbitmq-server -detached}) and returns its output. */
    public static String command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command[0], e);
        }
    }

    /** Stops the broker's application (the node stays up); returns once every connection to it is closed. */
    public static void stopApp() {
        run("stop_app");
    }

    /** Starts the broker's application again and waits until the AMQP port of {@code uri} accepts connections. */
    public static void startAppAndWait(String uri) {
        run("start_app");
        InetSocketAddress address = TestServices.address(uri, 5672);
        Await.until(Duration.ofSeconds(90), "RabbitMQ at " + address + " to accept connections again",
                () -> TestServices.answers(address.getHostString(), address.getPort()));
    }
}
