package dev.courier.spring.boot.autoconfigure;

import dev.courier.micrometer.CourierMetrics;
import dev.courier.micrometer.CourierTracing;
import dev.courier.runtime.CourierHealth;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Metrics, traces and health, where the application has Micrometer, Micrometer Tracing and the actuator. */
final class CourierObservabilityConfiguration {
    private CourierObservabilityConfiguration() {}

    /** {@link CourierMetrics} into the application's {@link MeterRegistry}, with the outbox gauges. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({CourierMetrics.class, MeterRegistry.class})
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        CourierMetrics courierMetrics(MeterRegistry registry, Outbox outbox) {
            return CourierMetrics.builder(registry).outbox(outbox).build();
        }
    }

    /** {@link CourierTracing} over the application's Micrometer {@link Tracer} and {@link Propagator}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({CourierTracing.class, Tracer.class})
    @ConditionalOnBean({Tracer.class, Propagator.class})
    static class Tracing {
        @Bean
        @ConditionalOnMissingBean
        CourierTracing courierTracing(Tracer tracer, Propagator propagator) {
            return CourierTracing.of(tracer, propagator);
        }
    }

    /** The {@code courier} health contributor over the Dispatcher, the outbox and the sweeper. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("courier")
    static class HealthIndicatorConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "courierHealthIndicator")
        CourierHealthIndicator courierHealthIndicator(Dispatcher dispatcher, Outbox outbox,
                ObjectProvider<OutboxSweeper> sweeper, CourierProperties properties) {
            CourierHealth.Builder health = CourierHealth.builder().dispatcher(dispatcher)
                    .outbox(outbox, properties.getHealth().getMaxOutstanding(), properties.getHealth().getMaxAge());
            OutboxSweeper running = sweeper.getIfAvailable();
            if (running != null) {
                health.sweeper(running, properties.getSweeper().getInterval().multipliedBy(3)
                        .plus(Duration.ofSeconds(30)));
            }
            return new CourierHealthIndicator(health.build());
        }
    }
}
