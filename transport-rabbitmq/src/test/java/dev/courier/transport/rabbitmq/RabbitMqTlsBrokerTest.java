package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.ChannelFailureException;
import dev.courier.spi.ChannelSpec;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.MessageProducer;
import dev.courier.test.Await;
import dev.courier.test.TestServices;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AMQPS against the real broker: the test makes a certificate for {@code localhost} (only that name, no IP address)
 * with openssl, starts a TLS listener on a free port of the running RabbitMQ with {@code rabbitmqctl eval} (no
 * change to its configuration, and stopped again afterwards), and connects through it. A client that trusts the
 * certificate and names the host it was made for connects and carries messages; the same client naming the host by
 * its IP address is refused by the hostname check; a client with only the JVM's trust store is refused by the
 * certificate check. Needs the broker on this machine (rabbitmqctl and openssl on the PATH): skipped, loudly,
 * without them, and failed instead under {@code CI=true}.
 */
class RabbitMqTlsBrokerTest {
    private static Path dir;
    private static int port;

    @BeforeAll
    static void startTlsListener() throws Exception {
        String missing = !TestBroker.uri().contains("127.0.0.1") && !TestBroker.uri().contains("localhost")
                ? "the test broker is not on this machine (" + TestBroker.uri().replaceAll(":[^:@/]*@", ":****@") + ")"
                : !onPath("rabbitmqctl") ? "rabbitmqctl is not on the PATH"
                : !onPath("openssl") ? "openssl is not on the PATH" : null;
        if (missing != null) {
            String message = "RabbitMqTlsBrokerTest needs a local RabbitMQ it can add a TLS listener to: " + missing;
            if (TestServices.ci()) {
                throw new AssertionError(message + " (CI=true: not skipping)");
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        // The broker runs as its own user: the files must be readable by it, so not in a private temporary dir.
        dir = Files.createTempDirectory(Path.of("/tmp"), "courier-tls-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("server.key").toString(), "-out", dir.resolve("server.pem").toString(),
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost");
        for (String file : List.of("server.key", "server.pem")) {
            Files.setPosixFilePermissions(dir.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String started = TestBroker.ctl("eval", "rabbit_networking:start_ssl_listener(" + port + ", [{certfile, \""
                + dir.resolve("server.pem") + "\"}, {keyfile, \"" + dir.resolve("server.key")
                + "\"}, {versions, ['tlsv1.3', 'tlsv1.2']}], 1).");
        assertThat(started.trim()).as("rabbit_networking:start_ssl_listener on port %d", port).isEqualTo("ok");
    }

    @AfterAll
    static void stopTlsListener() throws IOException {
        if (port != 0) {
            TestBroker.ctl("eval", "rabbit_networking:stop_tcp_listener(" + port + ").");
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    void aClientThatTrustsTheBrokersCertificateAndNamesItsHostConnectsAndCarriesMessages() throws Exception {
        String prefix = "courier-tls-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = prefix + ".secure";
        try (RabbitMqTransport transport = RabbitMqTransport.connect(config("localhost", trusting())
                .exchange(prefix).build());
                MessageProducer producer = transport.producer()) {
            ChannelSpec subscription = ChannelSpec.of(topic);
            transport.declareChannel(subscription);
            RabbitMqConsumer consumer = transport.createConsumer(subscription);
            Message sent = new Message(MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND).build(),
                    MessageBody.json("{\"over\":\"tls\"}"));
            producer.send(sent).get(10, TimeUnit.SECONDS);
            Message received = Await.value(Duration.ofSeconds(10), "the message over TLS",
                    () -> consumer.receive(Duration.ofMillis(100)));
            assertThat(received.id()).isEqualTo(sent.id());
            assertThat(received.body().asString()).isEqualTo("{\"over\":\"tls\"}");
            consumer.acknowledge(received);
            consumer.close();
        } finally {
            for (String queue : TestBroker.queues(prefix)) {
                TestBroker.ctl("delete_queue", queue);
            }
        }
    }

    @Test
    void theBrokersCertificateIsCheckedAgainstTheHostTheClientNamed() throws Exception {
        assertThatThrownBy(() -> RabbitMqTransport.connect(config("127.0.0.1", trusting()).build()).close())
                .isInstanceOf(ChannelFailureException.class)
                .satisfies(e -> assertThat(RabbitMqTlsTest.chain(e)).containsIgnoringCase("subject alternative"));
    }

    @Test
    void aBrokerCertificateTheJvmDoesNotTrustIsRefused() {
        assertThatThrownBy(() -> RabbitMqTransport.connect(config("localhost", null).build()).close())
                .isInstanceOf(ChannelFailureException.class)
                .satisfies(e -> assertThat(RabbitMqTlsTest.chain(e)).containsIgnoringCase("certification path"));
    }

    private static RabbitMqConfigBuilder config(String host, SSLContext context) {
        RabbitMqConfigBuilder builder = RabbitMqConfig.builder()
                .uri("amqps://guest:guest@" + host + ":" + port + "/%2F")
                .connectionTimeout(Duration.ofSeconds(5))
                .connectionName("courier-tls-test");
        return context == null ? builder : builder.sslContext(context);
    }

    /** Trusts exactly the certificate made for this test. */
    private static SSLContext trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("server.pem"))) {
            trust.setCertificateEntry("broker", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
    }
}
