package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * How to reach RabbitMQ and how the transport lays out its topology. Immutable; build with {@link #builder()}.
 * {@link #toString()} never shows the password.
 *
 * <pre>{@code
 * RabbitMqConfig config = RabbitMqConfig.builder()
 *         .uri("amqps://app:secret@rabbit.example.com/prod")   // TLS: JVM trust store + hostname check
 *         .exchange("courier")
 *         .queueType("payments", QueueType.QUORUM)
 *         .build();
 * }</pre>
 */
public final class RabbitMqConfig {
    /** Default largest body: 16 MiB. */
    public static final int DEFAULT_MAX_BODY_SIZE = 16 * 1024 * 1024;
    /** Default inbound limit: 128 MiB, RabbitMQ 3.x's default {@code max_message_size}. */
    public static final int DEFAULT_MAX_INBOUND_BODY_SIZE = 128 * 1024 * 1024;
    /** The client's ceiling for its inbound limit, and RabbitMQ's for {@code max_message_size}: 512 MiB. */
    public static final int MAX_INBOUND_BODY_SIZE = 512 * 1024 * 1024;
    /** Default number of deliveries a message may have without being settled before it is dead-lettered. */
    public static final int DEFAULT_DELIVERY_LIMIT = 5;
    /** Default number of messages handled back to back that one acknowledgement may settle. */
    public static final int DEFAULT_ACKNOWLEDGE_BATCH = 10;

    private final AmqpAddress address;
    private final List<AmqpAddress> addresses;
    private final Consumer<ConnectionFactory> customizer;
    private final SSLContext sslContext;
    private final String exchange;
    private final TopologyMode topologyMode;
    private final QueueType defaultQueueType;
    private final Map<String, QueueType> queueTypes;
    private final int maxBodySize;
    private final int maxInboundBodySize;
    private final int deliveryLimit;
    private final int confirmWindow;
    private final int acknowledgeBatch;
    private final int publishChannels;
    private final Duration confirmTimeout;
    private final Duration recoveryInterval;
    private final Duration connectionTimeout;
    private final Duration heartbeat;
    private final String connectionName;

    RabbitMqConfig(RabbitMqConfigBuilder b) {
        this.addresses = b.resolvedAddresses();
        this.address = addresses.get(0);
        this.customizer = b.customizer;
        this.sslContext = b.sslContext;
        this.exchange = b.exchange;
        this.topologyMode = b.topologyMode;
        this.defaultQueueType = b.defaultQueueType;
        this.queueTypes = Map.copyOf(b.queueTypes);
        this.maxBodySize = b.maxBodySize;
        this.maxInboundBodySize = b.maxInboundBodySize;
        this.deliveryLimit = b.deliveryLimit;
        if (maxInboundBodySize < maxBodySize) {
            throw new IllegalArgumentException("maxInboundBodySize (" + maxInboundBodySize + ") must not be below "
                    + "maxBodySize (" + maxBodySize + "): a body Courier may send must be one it can receive");
        }
        this.confirmWindow = b.confirmWindow;
        this.acknowledgeBatch = b.acknowledgeBatch;
        this.publishChannels = b.publishChannels;
        this.confirmTimeout = b.confirmTimeout;
        this.recoveryInterval = b.recoveryInterval;
        this.connectionTimeout = b.connectionTimeout;
        this.heartbeat = b.heartbeat;
        this.connectionName = b.connectionName;
        if (sslContext != null && !address.tls()) {
            throw new IllegalArgumentException("sslContext is set but the address is not TLS (use amqps:// or "
                    + "tls(true)): " + address);
        }
    }

    public static RabbitMqConfigBuilder builder() {
        return new RabbitMqConfigBuilder();
    }

    /** Settings for the given URI and every default. */
    public static RabbitMqConfig of(String uri) {
        return builder().uri(uri).build();
    }

    /** Where it connects (the first node); its {@code toString()} masks the password. */
    public AmqpAddress address() { return address; }
    /** Every node it may connect to (one unless a cluster's nodes were given). */
    public List<AmqpAddress> addresses() { return addresses; }
    /** Applied to the client's ConnectionFactory after Courier's settings, or null. */
    public Consumer<ConnectionFactory> connectionFactoryCustomizer() { return customizer; }
    /** The TLS context, or null to use the JVM's default (its trust store) when the address is TLS. */
    public SSLContext sslContext() { return sslContext; }
    public String exchange() { return exchange; }
    public TopologyMode topologyMode() { return topologyMode; }
    public int maxBodySize() { return maxBodySize; }
    public int maxInboundBodySize() { return maxInboundBodySize; }
    public int deliveryLimit() { return deliveryLimit; }
    public int confirmWindow() { return confirmWindow; }
    public int acknowledgeBatch() { return acknowledgeBatch; }
    public int publishChannels() { return publishChannels; }
    public Duration confirmTimeout() { return confirmTimeout; }
    public Duration recoveryInterval() { return recoveryInterval; }
    public Duration connectionTimeout() { return connectionTimeout; }
    public Duration heartbeat() { return heartbeat; }
    public String connectionName() { return connectionName; }

    /** The queue type of channels without one of their own, and of the unroutable queue. */
    public QueueType defaultQueueType() { return defaultQueueType; }

    /** The queue type for a channel: its own setting, else the default. */
    public QueueType queueType(String channel) {
        return queueTypes.getOrDefault(channel, defaultQueueType);
    }

    /** The nodes as {@code host:port, ...}, for messages (no credentials). */
    public String nodes() {
        return String.join(", ", addresses.stream().map(a -> a.host() + ":" + a.port()).toList());
    }

    @Override
    public String toString() {
        return "RabbitMqConfig[address=" + address + (addresses.size() > 1 ? " nodes=" + nodes() : "")
                + ", exchange=" + exchange + ", topology=" + topologyMode
                + ", queueType=" + defaultQueueType + (queueTypes.isEmpty() ? "" : " " + queueTypes)
                + ", maxBodySize=" + maxBodySize + ", maxInboundBodySize=" + maxInboundBodySize
                + ", deliveryLimit=" + deliveryLimit + ", confirmWindow=" + confirmWindow
                + ", acknowledgeBatch=" + acknowledgeBatch
                + ", publishChannels=" + publishChannels
                + ", confirmTimeout="
                + confirmTimeout + ", recoveryInterval=" + recoveryInterval + "]";
    }
}
