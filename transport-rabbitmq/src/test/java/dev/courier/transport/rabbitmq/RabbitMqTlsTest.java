package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.ChannelFailureException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS is verified for real: against a TLS endpoint with certificates made here by keytool, an untrusted certificate
 * and a trusted certificate for another host are refused, and a trusted certificate for the right host is accepted.
 * (The endpoint speaks TLS but not AMQP, so even the accepted connection ends in an error after the handshake; the
 * server side records whether the handshake completed.)
 */
class RabbitMqTlsTest {
    static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore",
                dir.resolve("right.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=other.example", "-ext", "SAN=dns:other.example", "-validity", "2", "-keystore",
                dir.resolve("wrong.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        for (String name : List.of("right", "wrong")) {
            keytool("-exportcert", "-alias", "server", "-keystore", dir.resolve(name + ".p12").toString(),
                    "-storepass", "changeit", "-file", dir.resolve(name + ".crt").toString());
            keytool("-importcert", "-noprompt", "-alias", name, "-file", dir.resolve(name + ".crt").toString(),
                    "-keystore", dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass",
                    "changeit");
        }
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        try (TlsEndpoint endpoint = new TlsEndpoint("right.p12")) {
            assertThatThrownBy(() -> connect(endpoint, null)).isInstanceOf(ChannelFailureException.class)
                    .satisfies(e -> assertThat(chain(e)).containsIgnoringCase("certification path"));
            assertThat(endpoint.handshakes.get()).isZero();
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        try (TlsEndpoint endpoint = new TlsEndpoint("wrong.p12")) {
            assertThatThrownBy(() -> connect(endpoint, trusting())).isInstanceOf(ChannelFailureException.class)
                    .satisfies(e -> assertThat(chain(e)).containsIgnoringCase("subject alternative"));
            assertThat(endpoint.handshakes.get()).isZero();
        }
    }

    @Test
    void aTrustedCertificateForTheRightHostIsAccepted() throws Exception {
        try (TlsEndpoint endpoint = new TlsEndpoint("right.p12")) {
            assertThatThrownBy(() -> connect(endpoint, trusting())).isInstanceOf(ChannelFailureException.class);
            dev.courier.test.Await.until(Duration.ofSeconds(5), "the TLS handshake",
                    () -> endpoint.handshakes.get() == 1);
        }
    }

    private static void connect(TlsEndpoint endpoint, SSLContext context) {
        RabbitMqConfigBuilder builder = RabbitMqConfig.builder()
                .uri("amqps://guest:guest@127.0.0.1:" + endpoint.port() + "/%2F")
                .connectionTimeout(Duration.ofSeconds(3));
        if (context != null) {
            builder.sslContext(context);
        }
        RabbitMqTransport.connect(builder.build()).close();
    }

    private static SSLContext trusting() throws Exception {
        KeyStore trust = load("trust.p12");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(String file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(dir.resolve(file).toFile())) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    /** Every exception in the cause chain of {@code e}, as text. */
    static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append(" | ");
        }
        return text.toString();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + output);
        }
    }

    /** A TLS server socket that completes handshakes (counting them) and then hangs up. */
    static final class TlsEndpoint implements AutoCloseable {
        final SSLServerSocket server;
        final AtomicInteger handshakes = new AtomicInteger();
        final Thread acceptor;

        TlsEndpoint(String keystore) throws Exception {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keystore), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0);
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (SSLSocket socket = (SSLSocket) server.accept()) {
                        socket.setSoTimeout(3000);
                        socket.startHandshake();
                        handshakes.incrementAndGet();
                    } catch (IOException e) {
                        // a refused handshake, or the server closed
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
