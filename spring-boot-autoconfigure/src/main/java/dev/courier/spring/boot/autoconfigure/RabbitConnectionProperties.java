package dev.courier.spring.boot.autoconfigure;

import com.rabbitmq.client.ConnectionFactory;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqConfigBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The broker's address from Boot's {@code spring.rabbitmq.*} keys (the ones an application already sets for Spring
 * AMQP), read by Courier itself so that it needs neither Spring AMQP nor its auto-configuration. Only the keys below
 * are read; {@code spring.rabbitmq.addresses} wins over host and port, as in Boot.
 */
@ConfigurationProperties("spring.rabbitmq")
public class RabbitConnectionProperties {
    private String host = "localhost";
    private int port = 5672;
    private String username = "guest";
    private String password = "guest";
    private String virtualHost = "/";
    /** Comma-separated {@code host:port} of a cluster's nodes; wins over host and port. */
    private String addresses;
    private Duration connectionTimeout;
    private Duration requestedHeartbeat;
    private final Ssl ssl = new Ssl();

    /** Whether to connect with TLS (the JVM's default trust store). */
    public static class Ssl {
        private boolean enabled;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /**
     * Courier's RabbitMQ configuration from these settings, publishing to {@code exchange}, its connections named
     * {@code connectionName}, with {@code customizer}
     * applied to the client's connection factory after Courier's own settings.
     */
    RabbitMqConfig toConfig(String exchange, String connectionName, Consumer<ConnectionFactory> customizer) {
        RabbitMqConfigBuilder builder = RabbitMqConfig.builder()
                .address(host, port, virtualHost, username, password, ssl.isEnabled())
                .exchange(exchange).connectionName(connectionName).connectionFactory(customizer);
        if (addresses != null && !addresses.isBlank()) {
            builder.nodes(Arrays.stream(addresses.split(",")).map(String::trim).filter(a -> !a.isEmpty())
                    .map(a -> a.replaceFirst("^amqps?://", "")).toArray(String[]::new));
        }
        if (connectionTimeout != null) {
            builder.connectionTimeout(connectionTimeout);
        }
        if (requestedHeartbeat != null) {
            builder.heartbeat(requestedHeartbeat);
        }
        return builder.build();
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getVirtualHost() {
        return virtualHost;
    }

    public void setVirtualHost(String virtualHost) {
        this.virtualHost = virtualHost;
    }

    public String getAddresses() {
        return addresses;
    }

    public void setAddresses(String addresses) {
        this.addresses = addresses;
    }

    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    public void setConnectionTimeout(Duration connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }

    public Duration getRequestedHeartbeat() {
        return requestedHeartbeat;
    }

    public void setRequestedHeartbeat(Duration requestedHeartbeat) {
        this.requestedHeartbeat = requestedHeartbeat;
    }

    public Ssl getSsl() {
        return ssl;
    }
}
