package dev.courier.spring.boot.autoconfigure;

import dev.courier.ConfigurationException;
import dev.courier.ContextPropagator;
import dev.courier.CourierListener;
import dev.courier.HandlerRegistry;
import dev.courier.Policies;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.mapping.Topic;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.CommandProcessorBuilder;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.Outbox;
import dev.courier.spi.Transport;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.ResolvableType;

/**
 * Courier in a Spring Boot application: a {@link CommandProcessor} whose handlers are the application's
 * {@link RequestHandler} beans, posting through an outbox in the application's DataSource (joining its
 * {@code @Transactional} methods) to RabbitMQ at {@code spring.rabbitmq.*} (or the in-memory transport), a
 * {@link Dispatcher} reading the channels of {@code courier.subscriptions.*} (and {@link Subscription} beans), and an
 * {@link OutboxSweeper}, both started and stopped with the application. Every bean backs off when the application
 * declares its own of that type; the transport, outbox, metrics, tracing and health parts only exist when their
 * classes (and, for metrics and tracing, a registry or tracer bean) do.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration"})
@EnableConfigurationProperties(CourierProperties.class)
@Import({CourierTransportConfiguration.RabbitMq.class, CourierTransportConfiguration.InMemory.class,
    CourierOutboxConfiguration.Jdbc.class, CourierOutboxConfiguration.InMemory.class,
    CourierObservabilityConfiguration.Metrics.class, CourierObservabilityConfiguration.Tracing.class,
    CourierObservabilityConfiguration.HealthIndicatorConfiguration.class})
public class CourierAutoConfiguration {

    /** The application's {@link RequestHandler} beans, each for the request type it declares. */
    @Bean
    @ConditionalOnMissingBean
    public HandlerRegistry courierHandlers(ConfigurableListableBeanFactory beans) {
        HandlerRegistry registry = new HandlerRegistry();
        for (String name : beans.getBeanNamesForType(RequestHandler.class)) {
            register(registry, name, beans.getBean(name, RequestHandler.class), beans);
        }
        return registry;
    }

    /**
     * Registers a handler bean for the request type its definition declares ({@code @Bean RequestHandler<Remind>}
     * returning a lambda), else its class ({@code class MailHandler implements RequestHandler<Remind>}).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void register(HandlerRegistry registry, String name, RequestHandler<?> handler,
            ConfigurableListableBeanFactory beans) {
        Class<?> type = requestTypeOf(beans.containsBeanDefinition(name)
                ? beans.getMergedBeanDefinition(name).getResolvableType() : ResolvableType.NONE);
        if (type == null) {
            type = requestTypeOf(ResolvableType.forClass(AopUtils.getTargetClass(handler)));
        }
        if (type == null) {
            throw new ConfigurationException("The RequestHandler bean '" + name + "' ("
                    + AopUtils.getTargetClass(handler).getName() + ") does not name its request type: declare it as "
                    + "RequestHandler<YourCommand> (the @Bean method's return type or the class), not raw or generic");
        }
        registry.register((Class) type, (RequestHandler) handler);
    }

    private static Class<?> requestTypeOf(ResolvableType type) {
        Class<?> resolved = type.as(RequestHandler.class).getGeneric(0).resolve();
        return resolved == null || !Request.class.isAssignableFrom(resolved) || resolved.isInterface() ? null : resolved;
    }

    /**
     * JSON mappers (Courier's own, see docs/spring-boot.md on Jackson 3) for every request type that travels: those
     * of {@code courier.request-types}, of the subscriptions, and the handled types that carry a {@link Topic}.
     */
    @Bean
    @ConditionalOnMissingBean
    public MessageMappers courierMappers(HandlerRegistry handlers, CourierProperties properties) {
        MessageMappers mappers = new MessageMappers();
        Set<Class<?>> types = new LinkedHashSet<>(properties.getRequestTypes());
        properties.getSubscriptions().forEach((channel, subscription) -> {
            for (Class<?> type : subscription.getRequestTypes()) {
                String topic = subscription.getTopic();
                if (topic != null && !mappers.contains(type)) {
                    mappers.json(requestType(type, "courier.subscriptions." + channel), topic);
                }
                types.add(type);
            }
        });
        handlers.registrations().keySet().stream().filter(t -> t.isAnnotationPresent(Topic.class)).forEach(types::add);
        for (Class<?> type : types) {
            if (!mappers.contains(type)) {
                mappers.json(requestType(type, "courier.request-types"));
            }
        }
        return mappers;
    }

    private static Class<? extends Request> requestType(Class<?> type, String where) {
        if (!Request.class.isAssignableFrom(type)) {
            throw new ConfigurationException(where + " names " + type.getName() + ", which is not a Courier "
                    + "Request (a Command or an Event)");
        }
        return type.asSubclass(Request.class);
    }

    /**
     * The resilience4j registries {@code @UsePolicy} names its policies in: a {@link Policies} bean, or the
     * application's {@link RetryRegistry} and {@link CircuitBreakerRegistry} beans (resilience4j's Spring Boot starter
     * makes them from {@code resilience4j.retry.*} and {@code resilience4j.circuitbreaker.*}), else empty ones.
     */
    @Bean
    @ConditionalOnMissingBean
    public Policies courierPolicies(ObjectProvider<RetryRegistry> retries,
            ObjectProvider<CircuitBreakerRegistry> breakers) {
        return Policies.of(retries.getIfAvailable(RetryRegistry::ofDefaults),
                breakers.getIfAvailable(CircuitBreakerRegistry::ofDefaults));
    }

    /** The processor: the application's handlers, mappers, policies, outbox, transport, listeners and propagator. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public CommandProcessor courierProcessor(HandlerRegistry handlers, MessageMappers mappers, Policies policies,
            Outbox outbox, Transport transport, ObjectProvider<CourierListener> listeners,
            ObjectProvider<ContextPropagator> propagators) {
        CommandProcessorBuilder builder = CommandProcessor.builder().handlers(handlers).mappers(mappers)
                .policies(policies).outbox(outbox).producers(Producers.of(transport));
        listeners.orderedStream().forEach(builder::listener);
        ContextPropagator propagator = propagators.getIfUnique();
        if (propagator != null) {
            builder.contextPropagator(propagator);
        } else if (propagators.stream().count() > 1) {
            throw new ConfigurationException("Several ContextPropagator beans and none @Primary: "
                    + propagators.stream().map(p -> p.getClass().getName()).toList() + "; Courier carries one context "
                    + "in its messages (mark the one to use @Primary)");
        }
        return builder.build();
    }

    /** The Dispatcher over {@code courier.subscriptions.*} and the application's {@link Subscription} beans. */
    @Bean
    @ConditionalOnMissingBean
    public Dispatcher courierDispatcher(CommandProcessor processor, Transport transport,
            CourierProperties properties, ObjectProvider<Subscription> subscriptions) {
        Dispatcher.Builder builder = Dispatcher.builder().processor(processor);
        for (Map.Entry<String, CourierProperties.SubscriptionProperties> entry
                : properties.getSubscriptions().entrySet()) {
            builder.subscription(subscription(entry.getKey(), entry.getValue(), transport));
        }
        subscriptions.orderedStream().forEach(builder::subscription);
        return builder.build();
    }

    private static Subscription subscription(String channel, CourierProperties.SubscriptionProperties settings,
            Transport transport) {
        String where = "courier.subscriptions." + channel;
        if (settings.getRequestTypes().isEmpty()) {
            throw new ConfigurationException(where + ".request-types names no request type");
        }
        @SuppressWarnings("unchecked")
        Class<? extends Request>[] types = settings.getRequestTypes().stream().map(t -> requestType(t, where))
                .toArray(Class[]::new);
        String topic = settings.getTopic();
        if (topic == null) {
            Topic annotation = types[0].getAnnotation(Topic.class);
            if (annotation == null) {
                throw new ConfigurationException(where + " has no topic and " + types[0].getName() + " no @Topic");
            }
            topic = annotation.value();
        }
        return Subscription.builder(topic, types).channel(channel).transport(transport)
                .performers(settings.getPerformers()).requeueCount(settings.getRequeueCount())
                .requeueDelay(settings.getRequeueDelay()).build();
    }

    /** Starts the Dispatcher and the sweeper with the application and stops them gracefully before it ends. */
    @Bean
    @ConditionalOnMissingBean
    public CourierLifecycle courierLifecycle(Dispatcher dispatcher, ObjectProvider<OutboxSweeper> sweeper,
            CourierProperties properties) {
        return new CourierLifecycle(dispatcher, sweeper.getIfAvailable(), properties.getShutdownTimeout());
    }
}
