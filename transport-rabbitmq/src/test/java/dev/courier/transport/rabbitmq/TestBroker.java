package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.courier.test.Await;
import dev.courier.test.Rabbitmqctl;
import dev.courier.test.TestServices;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

/**
 * The RabbitMQ the tests use: the one at {@link TestServices#RABBITMQ_URI}, else a Testcontainers broker where Docker
 * is present, else the test is skipped loudly (failed under CI=true). Also runs {@code rabbitmqctl} on it.
 */
final class TestBroker {
    private static String uri;
    private static RabbitMQContainer container;

    private TestBroker() {}

    static synchronized String uri() {
        if (uri != null) {
            return uri;
        }
        InetSocketAddress address = TestServices.address(TestServices.RABBITMQ_URI, 5672);
        if (TestServices.answers(address.getHostString(), address.getPort())) {
            uri = TestServices.RABBITMQ_URI;
        } else if (DockerClientFactory.instance().isDockerAvailable()) {
            container = new RabbitMQContainer("rabbitmq:3.13");
            container.start();
            uri = "amqp://guest:guest@" + container.getHost() + ":" + container.getAmqpPort() + "/%2F";
        } else {
            TestServices.unavailable("RabbitMQ at " + address);
        }
        return uri;
    }

    /** Runs rabbitmqctl with the arguments and returns its output; fails the test when it fails. */
    static String ctl(String... args) {
        if (container == null) {
            return Rabbitmqctl.run(args);
        }
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        try {
            var result = container.execInContainer(command.toArray(String[]::new));
            if (result.getExitCode() != 0) {
                throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: " + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new AssertionError("cannot run rabbitmqctl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running rabbitmqctl", e);
        }
    }

    /** Closes every broker connection whose client-provided name starts with {@code prefix}; returns how many. */
    static int closeConnections(String prefix) {
        int closed = 0;
        for (String line : ctl("list_connections", "-q", "--no-table-headers", "pid", "client_properties")
                .split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.contains("{\"connection_name\",\"" + prefix)) {
                ctl("close_connection", line.substring(0, tab).trim(), "closed by a Courier test");
                closed++;
            }
        }
        return closed;
    }

    /** stop_app then start_app, waiting until the broker answers AMQP again. */
    static void stopApp() {
        ctl("stop_app");
    }

    static void startAppAndWait() {
        ctl("start_app");
        Await.until(Duration.ofSeconds(60), "RabbitMQ to accept connections again", () -> {
            try (Connection connection = rawConnection()) {
                return connection.isOpen();
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** A plain client connection without recovery, for setting up and inspecting queues. */
    static Connection rawConnection() {
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(uri());
            factory.setAutomaticRecoveryEnabled(false);
            return factory.newConnection("courier-test-admin");
        } catch (Exception e) {
            throw new AssertionError("cannot connect to RabbitMQ", e);
        }
    }

    /** Names of queues whose name contains {@code prefix} (a unique random text). */
    static List<String> queues(String prefix) {
        List<String> names = new ArrayList<>();
        for (String line : ctl("list_queues", "-q", "--no-table-headers", "name").split("\n")) {
            String name = line.trim();
            if (name.contains(prefix)) {
                names.add(name);
            }
        }
        return names;
    }

    /** Deletes every queue whose name contains {@code prefix}, and {@code exchanges}. */
    static void deleteAll(String prefix, List<String> exchanges) {
        try (Connection connection = rawConnection()) {
            for (String queue : queues(prefix)) {
                try (Channel channel = connection.createChannel()) {
                    channel.queueDelete(queue);
                } catch (Exception e) {
                    // already gone
                }
            }
            for (String exchange : exchanges) {
                try (Channel channel = connection.createChannel()) {
                    channel.exchangeDelete(exchange);
                } catch (Exception e) {
                    // already gone
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cleanup failed", e);
        }
    }
}
