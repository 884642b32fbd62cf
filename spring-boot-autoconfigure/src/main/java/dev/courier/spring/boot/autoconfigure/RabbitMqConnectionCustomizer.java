package dev.courier.spring.boot.autoconfigure;

import com.rabbitmq.client.ConnectionFactory;

/**
 * A bean of this type adjusts the RabbitMQ client's {@link ConnectionFactory} of Courier's transport after Courier's
 * own settings (a credentials provider, the client's Micrometer collector, socket settings); several are applied in
 * their order. The addresses stay those of {@code spring.rabbitmq.*}.
 */
@FunctionalInterface
public interface RabbitMqConnectionCustomizer {
    void customize(ConnectionFactory factory);
}
