package dev.courier.transport.rabbitmq.internal;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.courier.ChannelFailureException;
import dev.courier.transport.rabbitmq.AmqpAddress;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;
import org.slf4j.Logger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/** Makes the client's {@link ConnectionFactory} from a config: recovery on, TLS verified, limits set. */
public final class Connections {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

    /**
     * The client's inbound body limit: RabbitMQ's own ceiling for {@code max_message_size} (512 MiB), so that no
     * message the broker accepted can break the consuming connection. A lower client limit is a connection error
     * on delivery; the broker redelivers the message on the next connection, which breaks again, forever. Bodies
     * over {@link RabbitMqConfig#maxBodySize()} are instead received as unacceptable and dead-lettered.
     */
    public static final int BROKER_MAX_BODY_SIZE = 512 * 1024 * 1024;

    private Connections() {}

    /**
     * A transport's two connections, and what the broker last said about blocking them: the reason of a
     * {@code connection.blocked} (a memory or disk alarm) until the matching {@code connection.unblocked}.
     */
    public record Pair(Connection consuming, Connection publishing, AtomicReference<String> blockedBy) {
        public Pair {
            watch(consuming, blockedBy);
            watch(publishing, blockedBy);
        }

        /** Why the broker blocks a connection of this transport just now, or null. */
        public String blocked() {
            return blockedBy.get();
        }

        private static void watch(Connection connection, AtomicReference<String> blockedBy) {
            String name = connection.getClientProvidedName();
            connection.addBlockedListener(reason -> {
                blockedBy.set("the broker blocks connection '" + name + "': " + reason);
                LOG.warn("RabbitMQ blocks connection '{}': {}", name, reason);
            }, () -> {
                blockedBy.set(null);
                LOG.info("RabbitMQ unblocked connection '{}'", name);
            });
        }
    }

    public static ConnectionFactory factory(RabbitMqConfig config) {
        AmqpAddress address = config.address();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(address.host());
        factory.setPort(address.port());
        factory.setVirtualHost(address.virtualHost());
        factory.setUsername(address.username());
        factory.setPassword(address.password());
        if (address.tls()) {
            // Never useSslProtocol() without a context: that one trusts every certificate.
            factory.useSslProtocol(config.sslContext() != null ? config.sslContext() : defaultContext());
            factory.enableHostnameVerification();
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(config.recoveryInterval().toMillis());
        factory.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, config.connectionTimeout().toMillis()));
        factory.setRequestedHeartbeat((int) Math.max(1, config.heartbeat().toSeconds()));
        factory.setMaxInboundMessageBodySize(Math.max(config.maxBodySize(), BROKER_MAX_BODY_SIZE));
        return factory;
    }

    /** Opens a connection; the error names the masked address, never the password. */
    public static Connection open(RabbitMqConfig config, String suffix) {
        try {
            return factory(config).newConnection(config.connectionName() + "-" + suffix);
        } catch (IOException | TimeoutException | RuntimeException e) {
            String reason = e.getMessage() != null ? e.getMessage()
                    : e.getCause() != null ? String.valueOf(e.getCause().getMessage()) : e.getClass().getSimpleName();
            String password = config.address().password();
            // An empty password is no secret to hide (and replace("") would put **** between every character).
            throw new ChannelFailureException("Cannot connect to RabbitMQ at " + config.address() + ": "
                    + (password.isEmpty() ? reason : reason.replace(password, "****")), e);
        }
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no default TLS context", e);
        }
    }
}
