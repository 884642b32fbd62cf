package dev.courier.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Courier's settings under {@code courier.*}. The broker's address comes from Boot's own {@code spring.rabbitmq.*}
 * and the database from the application's {@code DataSource}; only what is Courier's own is here.
 */
@ConfigurationProperties("courier")
public class CourierProperties {
    /** Which transport carries posted messages: rabbitmq (when courier-transport-rabbitmq is present) or in-memory. */
    private Transport transport = Transport.AUTO;
    /** Request types the application posts or handles without a handler bean (fully qualified class names). */
    private List<Class<?>> requestTypes = new ArrayList<>();
    /** Channels the Dispatcher reads, by name: each names its topic and request types. */
    private Map<String, SubscriptionProperties> subscriptions = new LinkedHashMap<>();
    private final Outbox outbox = new Outbox();
    private final Sweeper sweeper = new Sweeper();
    private final RabbitMq rabbitmq = new RabbitMq();
    private final Health health = new Health();
    /** How long the Dispatcher's pumps may take to finish the messages they hold when the application stops. */
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    /** The transport choice. */
    public enum Transport { AUTO, RABBITMQ, IN_MEMORY }

    public Transport getTransport() {
        return transport;
    }

    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    public List<Class<?>> getRequestTypes() {
        return requestTypes;
    }

    public void setRequestTypes(List<Class<?>> requestTypes) {
        this.requestTypes = requestTypes;
    }

    public Map<String, SubscriptionProperties> getSubscriptions() {
        return subscriptions;
    }

    public void setSubscriptions(Map<String, SubscriptionProperties> subscriptions) {
        this.subscriptions = subscriptions;
    }

    public Outbox getOutbox() {
        return outbox;
    }

    public Sweeper getSweeper() {
        return sweeper;
    }

    public RabbitMq getRabbitmq() {
        return rabbitmq;
    }

    public Health getHealth() {
        return health;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** One channel the Dispatcher reads. */
    public static class SubscriptionProperties {
        /** The topic the channel takes its messages from (default: the request type's {@code @Topic}). */
        private String topic;
        /** The request types handled on this channel (fully qualified class names); at least one. */
        private List<Class<?>> requestTypes = new ArrayList<>();
        /** Pump threads (competing consumers) for this channel. */
        private int performers = 1;
        /** How many times a message whose handling failed is put back before it is dead-lettered. */
        private int requeueCount = 3;
        /** How long a requeued message waits before it comes again. */
        private Duration requeueDelay = Duration.ofSeconds(1);

        public String getTopic() {
            return topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }

        public List<Class<?>> getRequestTypes() {
            return requestTypes;
        }

        public void setRequestTypes(List<Class<?>> requestTypes) {
            this.requestTypes = requestTypes;
        }

        public int getPerformers() {
            return performers;
        }

        public void setPerformers(int performers) {
            this.performers = performers;
        }

        public int getRequeueCount() {
            return requeueCount;
        }

        public void setRequeueCount(int requeueCount) {
            this.requeueCount = requeueCount;
        }

        public Duration getRequeueDelay() {
            return requeueDelay;
        }

        public void setRequeueDelay(Duration requeueDelay) {
            this.requeueDelay = requeueDelay;
        }
    }

    /** The JDBC outbox in the application's DataSource. */
    public static class Outbox {
        /** The outbox table. */
        private String table = "courier_outbox";
        /** Whether Courier creates its table when missing (turn off where migrations own the schema). */
        private boolean createTables = true;

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public boolean isCreateTables() {
            return createTables;
        }

        public void setCreateTables(boolean createTables) {
            this.createTables = createTables;
        }
    }

    /** The outbox sweeper, which sends what could not be sent at once. */
    public static class Sweeper {
        /** Whether this application runs a sweeper (one per database is enough; several are safe). */
        private boolean enabled = true;
        /** Time between passes. */
        private Duration interval = Duration.ofSeconds(5);
        /** How old an outstanding message must be before the sweeper sends it (younger ones are being sent). */
        private Duration minAge = Duration.ofSeconds(10);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getMinAge() {
            return minAge;
        }

        public void setMinAge(Duration minAge) {
            this.minAge = minAge;
        }
    }

    /** Courier's RabbitMQ settings beyond {@code spring.rabbitmq.*}. */
    public static class RabbitMq {
        /** The exchange Courier publishes to (its queues and dead-letter queues are named after the channels). */
        private String exchange = "courier";
        /** The name Courier's connections show in the broker's management UI (default: the application's name). */
        private String connectionName;

        public String getExchange() {
            return exchange;
        }

        public String getConnectionName() {
            return connectionName;
        }

        public void setConnectionName(String connectionName) {
            this.connectionName = connectionName;
        }

        public void setExchange(String exchange) {
            this.exchange = exchange;
        }
    }

    /** Thresholds of Courier's health indicator. */
    public static class Health {
        /** Outstanding outbox messages beyond which health is DEGRADED. */
        private long maxOutstanding = 10_000;
        /** Age of the oldest outstanding message beyond which health is DEGRADED. */
        private Duration maxAge = Duration.ofMinutes(5);

        public long getMaxOutstanding() {
            return maxOutstanding;
        }

        public void setMaxOutstanding(long maxOutstanding) {
            this.maxOutstanding = maxOutstanding;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }
}
