package dev.courier.transport.rabbitmq;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
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

    private final AmqpAddress address;
    private final SSLContext sslContext;
    private final String exchange;
    private final TopologyMode topologyMode;
    private final QueueType defaultQueueType;
    private final Map<String, QueueType> queueTypes;
    private final int maxBodySize;
    private final int maxInboundBodySize;
    private final int deliveryLimit;
    private final int confirmWindow;
    private final int publishChannels;
    private final Duration confirmTimeout;
    private final Duration recoveryInterval;
    private final Duration connectionTimeout;
    private final Duration heartbeat;
    private final String connectionName;

    private RabbitMqConfig(Builder b) {
        this.address = Objects.requireNonNull(b.address, "uri or host must be set");
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

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for the given URI and every default. */
    public static RabbitMqConfig of(String uri) {
        return builder().uri(uri).build();
    }

    /** Where it connects; its {@code toString()} masks the password. */
    public AmqpAddress address() { return address; }
    /** The TLS context, or null to use the JVM's default (its trust store) when the address is TLS. */
    public SSLContext sslContext() { return sslContext; }
    public String exchange() { return exchange; }
    public TopologyMode topologyMode() { return topologyMode; }
    public int maxBodySize() { return maxBodySize; }
    public int maxInboundBodySize() { return maxInboundBodySize; }
    public int deliveryLimit() { return deliveryLimit; }
    public int confirmWindow() { return confirmWindow; }
    public int publishChannels() { return publishChannels; }
    public Duration confirmTimeout() { return confirmTimeout; }
    public Duration recoveryInterval() { return recoveryInterval; }
    public Duration connectionTimeout() { return connectionTimeout; }
    public Duration heartbeat() { return heartbeat; }
    public String connectionName() { return connectionName; }

    /** The queue type for a channel: its own setting, else the default. */
    public QueueType queueType(String channel) {
        return queueTypes.getOrDefault(channel, defaultQueueType);
    }

    @Override
    public String toString() {
        return "RabbitMqConfig[address=" + address + ", exchange=" + exchange + ", topology=" + topologyMode
                + ", queueType=" + defaultQueueType + (queueTypes.isEmpty() ? "" : " " + queueTypes)
                + ", maxBodySize=" + maxBodySize + ", maxInboundBodySize=" + maxInboundBodySize
                + ", deliveryLimit=" + deliveryLimit + ", confirmWindow=" + confirmWindow + ", publishChannels=" + publishChannels
                + ", confirmTimeout="
                + confirmTimeout + ", recoveryInterval=" + recoveryInterval + "]";
    }

    /** Builds a {@link RabbitMqConfig}; every setter checks its argument. */
    public static final class Builder {
        private AmqpAddress address;
        private SSLContext sslContext;
        private String exchange = "courier";
        private TopologyMode topologyMode = TopologyMode.CREATE;
        private QueueType defaultQueueType = QueueType.CLASSIC;
        private final Map<String, QueueType> queueTypes = new HashMap<>();
        private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
        private int maxInboundBodySize = DEFAULT_MAX_INBOUND_BODY_SIZE;
        private int deliveryLimit = DEFAULT_DELIVERY_LIMIT;
        private int confirmWindow = 1000;
        private int publishChannels = 8;
        private Duration confirmTimeout = Duration.ofSeconds(30);
        private Duration recoveryInterval = Duration.ofSeconds(2);
        private Duration connectionTimeout = Duration.ofSeconds(10);
        private Duration heartbeat = Duration.ofSeconds(30);
        private String connectionName = "courier";

        private Builder() {}

        /** {@code amqp://user:pass@host:port/vhost} or {@code amqps://...}; vhost "/" is written {@code %2F}. */
        public Builder uri(String uri) {
            this.address = AmqpAddress.parse(uri);
            return this;
        }

        /** The address from separate settings instead of a URI. */
        public Builder address(String host, int port, String virtualHost, String username, String password,
                boolean tls) {
            this.address = new AmqpAddress(tls, requireText(host, "host"), port, requireText(virtualHost,
                    "virtualHost"), requireText(username, "username"), Objects.requireNonNull(password, "password"));
            return this;
        }

        /** A TLS context of your own (client certificates, a private CA). Hostname verification stays on. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /** The one durable direct exchange every topic is published to; default {@code courier}. */
        public Builder exchange(String name) {
            this.exchange = requireText(name, "exchange");
            return this;
        }

        public Builder topologyMode(TopologyMode mode) {
            this.topologyMode = Objects.requireNonNull(mode, "topologyMode");
            return this;
        }

        /** The queue type for channels without their own setting; default {@link QueueType#CLASSIC}. */
        public Builder defaultQueueType(QueueType type) {
            this.defaultQueueType = Objects.requireNonNull(type, "defaultQueueType");
            return this;
        }

        /** The queue type of one channel (subscription channel name). */
        public Builder queueType(String channel, QueueType type) {
            queueTypes.put(requireText(channel, "channel"), Objects.requireNonNull(type, "queueType"));
            return this;
        }

        /**
         * Largest body in bytes Courier publishes, and handles: a longer one received is dead-lettered at once by
         * the broker (rejected, never buffered), so a consumer holds at most prefetch x this many body bytes.
         */
        public Builder maxBodySize(int bytes) {
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
        public Builder maxInboundBodySize(int bytes) {
            if (bytes < 1 || bytes > MAX_INBOUND_BODY_SIZE) {
                throw new IllegalArgumentException("maxInboundBodySize must be between 1 and " + MAX_INBOUND_BODY_SIZE
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
        public Builder deliveryLimit(int deliveries) {
            if (deliveries < 1 || deliveries > 1000) {
                throw new IllegalArgumentException("deliveryLimit must be between 1 and 1000 but was " + deliveries);
            }
            this.deliveryLimit = deliveries;
            return this;
        }

        /** How many sent messages a producer may have waiting for a confirm; a send beyond it waits. */
        public Builder confirmWindow(int messages) {
            if (messages < 1 || messages > 1_000_000) {
                throw new IllegalArgumentException("confirmWindow must be between 1 and 1000000 but was "
                        + messages);
            }
            this.confirmWindow = messages;
            return this;
        }

        /**
         * How many confirm-mode channels a producer publishes on at most (default 8). Each thread that sends gets a
         * channel of its own, up to this many; later threads share them (an AMQP channel is not thread-safe, so a
         * shared one is taken in turn). The confirm window is the producer's, across its channels.
         */
        public Builder publishChannels(int channels) {
            if (channels < 1 || channels > 1024) {
                throw new IllegalArgumentException("publishChannels must be between 1 and 1024 but was " + channels);
            }
            this.publishChannels = channels;
            return this;
        }

        /** How long a send waits for the broker's confirm before its future fails; default 30 s. */
        public Builder confirmTimeout(Duration timeout) {
            this.confirmTimeout = requirePositive(timeout, "confirmTimeout");
            return this;
        }

        /** Pause between automatic reconnection attempts; default 2 s. */
        public Builder recoveryInterval(Duration interval) {
            this.recoveryInterval = requirePositive(interval, "recoveryInterval");
            return this;
        }

        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = requirePositive(timeout, "connectionTimeout");
            return this;
        }

        /**
         * AMQP heartbeat; default 30 s. Sent in whole seconds (rounded down, at least 1); the broker may lower it to
         * its own setting. A silent peer is noticed after about two intervals.
         */
        public Builder heartbeat(Duration interval) {
            this.heartbeat = requirePositive(interval, "heartbeat");
            return this;
        }

        /** Shown in the management UI; the transport adds "-publish" / "-consume". */
        public Builder connectionName(String name) {
            this.connectionName = requireText(name, "connectionName");
            return this;
        }

        public RabbitMqConfig build() {
            return new RabbitMqConfig(this);
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
}
