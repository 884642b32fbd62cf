package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/** Builds a {@link RabbitMqConfig}; every setter checks its argument. */
public final class RabbitMqConfigBuilder {
    List<AmqpAddress> addresses;
    List<String> nodes;
    Consumer<ConnectionFactory> customizer;
    SSLContext sslContext;
    String exchange = "courier";
    TopologyMode topologyMode = TopologyMode.CREATE;
    QueueType defaultQueueType = QueueType.CLASSIC;
    final Map<String, QueueType> queueTypes = new HashMap<>();
    int maxBodySize = RabbitMqConfig.DEFAULT_MAX_BODY_SIZE;
    int maxInboundBodySize = RabbitMqConfig.DEFAULT_MAX_INBOUND_BODY_SIZE;
    int deliveryLimit = RabbitMqConfig.DEFAULT_DELIVERY_LIMIT;
    int confirmWindow = 1000;
    int acknowledgeBatch = RabbitMqConfig.DEFAULT_ACKNOWLEDGE_BATCH;
    int publishChannels = 8;
    Duration confirmTimeout = Duration.ofSeconds(30);
    Duration recoveryInterval = Duration.ofSeconds(2);
    Duration connectionTimeout = Duration.ofSeconds(10);
    Duration heartbeat = Duration.ofSeconds(30);
    String connectionName = "courier";

    RabbitMqConfigBuilder() {}

    /**
     * {@code amqp://user:pass@host:port/vhost} or {@code amqps://...}; vhost "/" is written {@code %2F}. A cluster's
     * nodes may be listed in it, {@code amqp://user:pass@h1:5672,h2:5672,h3:5672/vhost}. Query parameters are
     * refused (set them here or with {@link #connectionFactory}).
     */
    public RabbitMqConfigBuilder uri(String uri) {
        this.addresses = AmqpAddress.parseAll(uri);
        return this;
    }

    /**
     * The nodes of a cluster, {@code "host:port"} or {@code "host"} (the scheme's default port), replacing the
     * host of {@link #uri} or {@link #address}, whose scheme, credentials and virtual host they share. The client
     * connects to one of them, picked at random on every (re)connection, so processes spread over the cluster and a
     * connection whose node died recovers on another.
     */
    public RabbitMqConfigBuilder nodes(String... hostAndPorts) {
        Objects.requireNonNull(hostAndPorts, "nodes");
        if (hostAndPorts.length == 0) {
            throw new IllegalArgumentException("nodes must name at least one host");
        }
        for (String node : hostAndPorts) {
            requireText(node, "node");
        }
        this.nodes = List.of(hostAndPorts);
        return this;
    }

    /**
     * Adjusts the client's {@link ConnectionFactory} after Courier set it up (credentials providers, metrics
     * collectors, observation, NIO, socket settings...). Courier's own settings are applied first, so this can
     * override them; the addresses stay the config's. Applied to every connection the transport opens.
     */
    public RabbitMqConfigBuilder connectionFactory(Consumer<ConnectionFactory> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    /** The address from separate settings instead of a URI. */
    public RabbitMqConfigBuilder address(String host, int port, String virtualHost, String username, String password,
            boolean tls) {
        this.addresses = List.of(new AmqpAddress(tls, requireText(host, "host"), port, requireText(virtualHost,
                "virtualHost"), requireText(username, "username"), Objects.requireNonNull(password, "password")));
        return this;
    }

    /** A TLS context of your own (client certificates, a private CA). Hostname verification stays on. */
    public RabbitMqConfigBuilder sslContext(SSLContext context) {
        this.sslContext = Objects.requireNonNull(context, "sslContext");
        return this;
    }

    /** The one durable direct exchange every topic is published to; default {@code courier}. */
    public RabbitMqConfigBuilder exchange(String name) {
        this.exchange = requireText(name, "exchange");
        return this;
    }

    public RabbitMqConfigBuilder topologyMode(TopologyMode mode) {
        this.topologyMode = Objects.requireNonNull(mode, "topologyMode");
        return this;
    }

    /** The queue type for channels without their own setting; default {@link QueueType#CLASSIC}. */
    public RabbitMqConfigBuilder defaultQueueType(QueueType type) {
        this.defaultQueueType = Objects.requireNonNull(type, "defaultQueueType");
        return this;
    }

    /** The queue type of one channel (subscription channel name). */
    public RabbitMqConfigBuilder queueType(String channel, QueueType type) {
        queueTypes.put(requireText(channel, "channel"), Objects.requireNonNull(type, "queueType"));
        return this;
    }

    /**
     * Largest body in bytes Courier publishes, and handles: a longer one received is dead-lettered at once by
     * the broker (rejected, never buffered), so a consumer holds at most prefetch x this many body bytes.
     */
    public RabbitMqConfigBuilder maxBodySize(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxBodySize must be positive but was " + bytes);
        }
        this.maxBodySize = bytes;
        return this;
    }

    /**
     * The client's inbound limit (default 128 MiB; at least {@code maxBodySize}, at most 512 MiB). A body over
     * it cannot be read or skipped: it breaks the consuming connection on every delivery. Keep it at or above
     * the broker's {@code max_message_size}, which refuses longer messages at publishing.
     */
    public RabbitMqConfigBuilder maxInboundBodySize(int bytes) {
        if (bytes < 1 || bytes > RabbitMqConfig.MAX_INBOUND_BODY_SIZE) {
            throw new IllegalArgumentException("maxInboundBodySize must be between 1 and " + RabbitMqConfig.MAX_INBOUND_BODY_SIZE
                    + " but was " + bytes);
        }
        this.maxInboundBodySize = bytes;
        return this;
    }

    /**
     * How many times a message may be delivered without being settled (its consumer crashed, lost its
     * connection or overran the broker's consumer timeout) before it is dead-lettered; default 5. Counted from
     * the redelivered flag (classic queues, in a {@code courier-deliveries} header) or {@code x-delivery-count}
     * (quorum queues, which also get it as {@code x-delivery-limit}).
     */
    public RabbitMqConfigBuilder deliveryLimit(int deliveries) {
        if (deliveries < 1 || deliveries > 1000) {
            throw new IllegalArgumentException("deliveryLimit must be between 1 and 1000 but was " + deliveries);
        }
        this.deliveryLimit = deliveries;
        return this;
    }

    /** How many sent messages a producer may have waiting for a confirm; a send beyond it waits. */
    public RabbitMqConfigBuilder confirmWindow(int messages) {
        if (messages < 1 || messages > 1_000_000) {
            throw new IllegalArgumentException("confirmWindow must be between 1 and 1000000 but was "
                    + messages);
        }
        this.confirmWindow = messages;
        return this;
    }

    /**
     * How many messages a consumer handled back to back may share one acknowledgement ({@code basic.ack} with
     * {@code multiple=true}); default {@value RabbitMqConfig#DEFAULT_ACKNOWLEDGE_BATCH}, at most half the channel's
     * prefetch (so that the broker keeps sending meanwhile), 1 acknowledges each on its own. An ack is held only
     * while more deliveries wait for the pump, and only until the handlers of those in between are done: it goes out
     * as soon as the consumer has nothing more delivered to hand over, or the batch is full, or the consumer closes.
     * A crash (or a lost connection) redelivers what was handled and not yet acknowledged, so this is also how many
     * duplicates one performer can cause at most, the message it was handling included. Used on channels the pump
     * reads; a consumer with a listener (the reply channel) acknowledges each message.
     */
    public RabbitMqConfigBuilder acknowledgeBatch(int messages) {
        if (messages < 1 || messages > 1000) {
            throw new IllegalArgumentException("acknowledgeBatch must be between 1 and 1000 but was " + messages);
        }
        this.acknowledgeBatch = messages;
        return this;
    }

    /**
     * How many confirm-mode channels a producer publishes on at most (default 8). Each thread that sends gets a
     * channel of its own, up to this many; later threads share them (an AMQP channel is not thread-safe, so a
     * shared one is taken in turn). The confirm window is the producer's, across its channels.
     */
    public RabbitMqConfigBuilder publishChannels(int channels) {
        if (channels < 1 || channels > 1024) {
            throw new IllegalArgumentException("publishChannels must be between 1 and 1024 but was " + channels);
        }
        this.publishChannels = channels;
        return this;
    }

    /** How long a send waits for the broker's confirm before its future fails; default 30 s. */
    public RabbitMqConfigBuilder confirmTimeout(Duration timeout) {
        this.confirmTimeout = requirePositive(timeout, "confirmTimeout");
        return this;
    }

    /** Pause between automatic reconnection attempts; default 2 s. */
    public RabbitMqConfigBuilder recoveryInterval(Duration interval) {
        this.recoveryInterval = requirePositive(interval, "recoveryInterval");
        return this;
    }

    public RabbitMqConfigBuilder connectionTimeout(Duration timeout) {
        this.connectionTimeout = requirePositive(timeout, "connectionTimeout");
        return this;
    }

    /**
     * AMQP heartbeat; default 30 s. Sent in whole seconds (rounded down, at least 1); the broker may lower it to
     * its own setting. A silent peer is noticed after about two intervals.
     */
    public RabbitMqConfigBuilder heartbeat(Duration interval) {
        this.heartbeat = requirePositive(interval, "heartbeat");
        return this;
    }

    /** Shown in the management UI; the transport adds "-publish" / "-consume". */
    public RabbitMqConfigBuilder connectionName(String name) {
        this.connectionName = requireText(name, "connectionName");
        return this;
    }

    public RabbitMqConfig build() {
        return new RabbitMqConfig(this);
    }

    /** The addresses of the nodes: those of the URI or address, or {@link #nodes} on the first one's settings. */
    List<AmqpAddress> resolvedAddresses() {
        if (addresses == null) {
            throw new IllegalStateException("RabbitMqConfig needs uri(...) or address(...) before build()");
        }
        if (nodes == null) {
            return addresses;
        }
        AmqpAddress first = addresses.get(0);
        List<AmqpAddress> resolved = new ArrayList<>();
        for (String node : nodes) {
            int colon = node.lastIndexOf(':');
            int port = first.tls() ? 5671 : 5672;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(node.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("node '" + node + "' has no valid port after ':'");
                }
            }
            resolved.add(first.onNode(colon >= 0 ? node.substring(0, colon) : node, port));
        }
        return List.copyOf(resolved);
    }

    private static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    private static Duration requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive but was " + value);
        }
        return value;
    }
}
