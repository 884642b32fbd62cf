package dev.courier.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.ContextPropagator;
import dev.courier.HandlerRegistry;
import dev.courier.Policies;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.mapping.MessageMappers;
import dev.courier.mapping.Topic;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.Outbox;
import dev.courier.spi.Transport;
import dev.courier.steps.UsePolicy;
import dev.courier.store.InMemoryOutbox;
import dev.courier.store.jdbc.JdbcOutbox;
import dev.courier.test.Await;
import dev.courier.transport.inmemory.InMemoryTransport;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration's choices, each in a context of its own, with no broker and no database: only the in-memory
 * transport on the class path, the application's own beans winning, and bad settings failing the start with a
 * message that names the setting.
 */
class CourierAutoConfigurationTest {
    @Topic("boot.jobs")
    record Job(UUID id, String name) implements Command {}

    /** A handler bean: the auto-configuration registers it for {@link Job}. */
    static final class JobHandler implements RequestHandler<Job> {
        final Set<UUID> handled = ConcurrentHashMap.newKeySet();

        @Override
        public void handle(Job job) {
            handled.add(job.id());
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Only core, the in-memory transport and Spring: what an application has without the optional modules. */
    private final ApplicationContextRunner inMemoryOnly = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CourierAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(RabbitMqTransport.class, JdbcOutbox.class))
            .withBean(JobHandler.class)
            .withPropertyValues("courier.subscriptions.boot-jobs.request-types=" + Job.class.getName());

    @Test
    void withOnlyTheInMemoryTransportAPostedCommandReachesTheHandlerBeanThroughTheDispatcher() {
        inMemoryOnly.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(InMemoryTransport.class)
                    .hasSingleBean(InMemoryOutbox.class).hasSingleBean(Dispatcher.class)
                    .doesNotHaveBean(OutboxSweeper.class);
            Job job = new Job(Request.newId(), "water the plants");

            context.getBean(CommandProcessor.class).post(job);

            JobHandler handler = context.getBean(JobHandler.class);
            Await.until(WAIT, "the job handled by the handler bean", () -> handler.handled.contains(job.id()));
            assertThat(context.getBean(Dispatcher.class).states()).singleElement()
                    .satisfies(state -> assertThat(state.channel()).isEqualTo("boot-jobs"));
        });
    }

    record Flaky(UUID id) implements Command {}

    /** Fails twice, then succeeds: only a retry policy from the application's registry gets it through. */
    static final class FlakyHandler implements RequestHandler<Flaky> {
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        @UsePolicy(value = "flaky", step = 1)
        public void handle(Flaky flaky) {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("attempt " + attempts.get() + " fails (test)");
            }
        }
    }

    @Test
    void theApplicationsResilience4jRegistryGivesTheHandlersTheirPolicies() {
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom().maxAttempts(3)
                .waitDuration(Duration.ofMillis(1)).build());
        retries.retry("flaky"); // as resilience4j's Boot starter does for each resilience4j.retry.instances.<name>
        inMemoryOnly.withBean(RetryRegistry.class, () -> retries).withBean(FlakyHandler.class).run(context -> {
            assertThat(context).hasNotFailed();

            context.getBean(CommandProcessor.class).send(new Flaky(Request.newId()));

            assertThat(context.getBean(FlakyHandler.class).attempts).hasValue(3);
            assertThat(context.getBean(Policies.class).retries()).isSameAs(retries);
        });
    }

    @Test
    void everyPartBacksOffWhenTheApplicationDeclaresItsOwn() {
        inMemoryOnly.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            OwnBeans own = context.getBean(OwnBeans.class);
            assertThat(context.getBean(Transport.class)).isSameAs(own.transport);
            assertThat(context.getBean(Outbox.class)).isSameAs(own.outbox);
            assertThat(context).getBeans(CommandProcessor.class).hasSize(1).containsKey("ownProcessor");
            assertThat(context).getBeans(HandlerRegistry.class).hasSize(1).containsKey("ownHandlers");
            assertThat(context).getBeans(MessageMappers.class).hasSize(1).containsKey("ownMappers");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class LambdaHandler {
        static final Set<UUID> HANDLED = ConcurrentHashMap.newKeySet();

        @Bean
        RequestHandler<Flaky> flakyByLambda() {
            return flaky -> HANDLED.add(flaky.id());
        }
    }

    @Test
    void aLambdaHandlerBeanIsRegisteredForTheTypeItsBeanMethodDeclares() {
        inMemoryOnly.withUserConfiguration(LambdaHandler.class).run(context -> {
            assertThat(context).hasNotFailed();
            Flaky flaky = new Flaky(Request.newId());

            context.getBean(CommandProcessor.class).send(flaky);

            assertThat(LambdaHandler.HANDLED).contains(flaky.id());
        });
    }

    @Test
    void twoContextPropagatorsWithoutAPrimaryFailTheStartNamingBoth() {
        inMemoryOnly.withBean("first", ContextPropagator.class, () -> ContextPropagator.NONE)
                .withBean("second", ContextPropagator.class, () -> new ContextPropagator() {
                    @Override
                    public java.util.Map<String, String> capture(dev.courier.message.Message message) {
                        return java.util.Map.of();
                    }

                    @Override
                    public Scope restore(java.util.Map<String, String> headers) {
                        return Scope.NOOP;
                    }
                })
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("Several ContextPropagator beans and none @Primary"));
    }

    @Test
    void aRequestTypeThatIsNoRequestFailsTheStartNamingTheSetting() {
        inMemoryOnly.withPropertyValues("courier.request-types=java.lang.String").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining(
                        "courier.request-types names java.lang.String, which is not a Courier Request"));
    }

    @Test
    void askingForRabbitMqWithoutItsModuleFailsTheStartSayingWhatToAdd() {
        inMemoryOnly.withPropertyValues("courier.transport=rabbitmq").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining(
                        "courier-transport-rabbitmq is not on the class path"));
    }

    @Test
    void aHandlerBeanThatDoesNotNameItsRequestTypeFailsTheStart() {
        inMemoryOnly.withBean("vague", RequestHandler.class, () -> request -> {}).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("does not name its request type"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        final InMemoryTransport transport = InMemoryTransport.create();
        final InMemoryOutbox outbox = new InMemoryOutbox();

        @Bean(destroyMethod = "close")
        Transport ownTransport() {
            return transport;
        }

        @Bean
        Outbox ownOutbox() {
            return outbox;
        }

        @Bean
        HandlerRegistry ownHandlers() {
            return new HandlerRegistry();
        }

        @Bean
        MessageMappers ownMappers() {
            return new MessageMappers().json(Job.class);
        }

        @Bean(destroyMethod = "close")
        CommandProcessor ownProcessor(MessageMappers ownMappers) {
            return CommandProcessor.builder().mappers(ownMappers).outbox(outbox)
                    .producers(Producers.of(transport)).handlers(new HandlerRegistry().register(Job.class, job -> {}))
                    .build();
        }
    }
}
