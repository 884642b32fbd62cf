package dev.courier.transport.rabbitmq.internal;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.courier.ChannelFailureException;
import dev.courier.transport.rabbitmq.AmqpAddress;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;
import org.slf4j.Logger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/** Makes the client's {@link ConnectionFactory} from a config: recovery on, TLS verified, limits set. */
public final class Connections {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

    private Connections() {}

    /**
     * A transport's two connections, and what the broker last said about blocking them: the reason of a
     * {@code connection.blocked} (a memory or disk alarm) until the matching {@code connection.unblocked}.
     */
    public record Pair(Connection consuming, Connection publishing, AtomicReference<String> blockedBy) {
        public Pair {
            watch(consuming, blockedBy);
            watch(publishing, blockedBy);
            consuming.addShutdownListener(Connections::explainTooLarge);
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

    /**
     * The client cannot skip a delivery whose body is over its inbound limit: it fails the whole connection, and
     * the broker redelivers the message to the next one. Say so, and what to change, rather than only that the
     * connection was lost.
     */
    private static void explainTooLarge(ShutdownSignalException cause) {
        if (tooLarge(cause)) {
            Throwable reason = cause.getCause();
            LOG.error("A delivery's body is over the client's inbound limit, so the consuming connection failed and "
                    + "the broker redelivers the message to the next one (a quorum queue dead-letters it after its "
                    + "x-delivery-limit; a classic queue does not). Raise RabbitMqConfig.maxInboundBodySize to at "
                    + "least the broker's max_message_size, or lower that: {}", reason.getMessage());
        }
    }

    /** Whether a connection (or channel) went down because a delivery's body was over the client's inbound limit. */
    public static boolean tooLarge(ShutdownSignalException cause) {
        Throwable reason = cause.getCause();
        return reason instanceof IllegalStateException && String.valueOf(reason.getMessage()).startsWith(
                "Message body is too large");
    }

    public static ConnectionFactory factory(RabbitMqConfig config) {
        return factory(config, null);
    }

    /** {@code dispatch} runs the client's consumer callbacks; null: a pool the client makes for each connection. */
    private static ConnectionFactory factory(RabbitMqConfig config, ExecutorService dispatch) {
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
        // Bodies over maxBodySize but within this are received and rejected at once (the broker dead-letters them);
        // a body over this breaks the connection on every delivery, so it should match the broker's max_message_size.
        factory.setMaxInboundMessageBodySize(config.maxInboundBodySize() + 1); // the client refuses size >= limit
        if (dispatch != null) {
            factory.setSharedExecutor(dispatch);
        }
        if (config.connectionFactoryCustomizer() != null) {
            config.connectionFactoryCustomizer().accept(factory);
        }
        return factory;
    }

    /** Opens a connection; the error names the masked address, never the password. */
    public static Connection open(RabbitMqConfig config, String suffix) {
        return open(config, suffix, false);
    }

    /**
     * Opens a connection whose consumers' callbacks run on the thread that reads its frames, where the client would
     * otherwise hand each delivery to a pool thread first (a queue and a thread wake-up per message, before
     * Courier's own hand-off to the pump). Every callback of a consumer on such a connection must be quick and must
     * not block, wait for a reply of the broker, or throw: the connection reads nothing else meanwhile, and the
     * client answers an exception by closing the channel, which waits for the very thread it runs on. A
     * {@link RabbitMqConfig#connectionFactoryCustomizer() customizer} that sets its own executor takes precedence.
     */
    public static Connection openConsuming(RabbitMqConfig config, String suffix) {
        return open(config, suffix, true);
    }

    private static Connection open(RabbitMqConfig config, String suffix, boolean dispatchOnReader) {
        try {
            ConnectionFactory factory = factory(config, dispatchOnReader ? OnCallingThread.INSTANCE : null);
            // With automatic recovery on, the client shuffles the list on every (re)connection: processes spread
            // over a cluster's nodes, and a connection whose node died recovers on another.
            List<Address> nodes = config.addresses().stream().map(a -> new Address(a.host(), a.port())).toList();
            return factory.newConnection(nodes, config.connectionName() + "-" + suffix);
        } catch (IOException | TimeoutException | RuntimeException e) {
            String reason = e.getMessage() != null ? e.getMessage()
                    : e.getCause() != null ? String.valueOf(e.getCause().getMessage()) : e.getClass().getSimpleName();
            String password = config.address().password();
            // An empty password is no secret to hide (and replace("") would put **** between every character).
            String where = config.addresses().size() > 1 ? config.address() + " (nodes " + config.nodes() + ")"
                    : config.address().toString();
            throw new ChannelFailureException("Cannot connect to RabbitMQ at " + where + ": "
                    + (password.isEmpty() ? reason : reason.replace(password, "****")), e);
        }
    }

    /**
     * Runs each task on the thread that submits it. The client submits its consumer callbacks from the connection's
     * reader thread (and, while a channel closes, from the closing thread); it never shuts down an executor it was
     * given, so this one has nothing to stop.
     */
    private static final class OnCallingThread extends AbstractExecutorService {
        static final OnCallingThread INSTANCE = new OnCallingThread();

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
            // shared by every consuming connection; nothing to stop
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
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
