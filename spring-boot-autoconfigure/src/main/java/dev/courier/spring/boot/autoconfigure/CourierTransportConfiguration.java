package dev.courier.spring.boot.autoconfigure;

import dev.courier.ConfigurationException;
import dev.courier.spi.Transport;
import dev.courier.transport.inmemory.InMemoryTransport;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The transport: RabbitMQ when its module is present (and not switched off), else the in-memory one. */
final class CourierTransportConfiguration {
    private CourierTransportConfiguration() {}

    /** RabbitMQ at {@code spring.rabbitmq.*}, publishing to {@code courier.rabbitmq.exchange}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RabbitMqTransport.class)
    @Conditional(NotInMemory.class)
    @EnableConfigurationProperties(RabbitConnectionProperties.class)
    static class RabbitMq {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(Transport.class)
        RabbitMqTransport courierTransport(RabbitConnectionProperties rabbit, CourierProperties courier,
                ObjectProvider<RabbitMqConnectionCustomizer> customizers, Environment environment) {
            List<RabbitMqConnectionCustomizer> all = customizers.orderedStream().toList();
            String name = courier.getRabbitmq().getConnectionName() != null ? courier.getRabbitmq().getConnectionName()
                    : "courier:" + environment.getProperty("spring.application.name", "spring-boot");
            return RabbitMqTransport.connect(rabbit.toConfig(courier.getRabbitmq().getExchange(), name,
                    factory -> all.forEach(customizer -> customizer.customize(factory))));
        }
    }

    /** The in-memory transport: messages stay in this process (tests, a first try, a single-process application). */
    @Configuration(proxyBeanMethods = false)
    static class InMemory {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(Transport.class)
        InMemoryTransport courierTransport(CourierProperties courier) {
            if (courier.getTransport() == CourierProperties.Transport.RABBITMQ) {
                throw new ConfigurationException("courier.transport=rabbitmq, but courier-transport-rabbitmq is not "
                        + "on the class path: add dev.courier:courier-transport-rabbitmq (the starter brings it)");
            }
            return InMemoryTransport.create();
        }
    }

    /** {@code courier.transport} is not {@code in-memory}. */
    static final class NotInMemory extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            CourierProperties.Transport chosen = Binder.get(context.getEnvironment())
                    .bind("courier.transport", CourierProperties.Transport.class)
                    .orElse(CourierProperties.Transport.AUTO);
            return chosen == CourierProperties.Transport.IN_MEMORY
                    ? ConditionOutcome.noMatch("courier.transport is in-memory")
                    : ConditionOutcome.match("courier.transport is " + chosen);
        }
    }
}
