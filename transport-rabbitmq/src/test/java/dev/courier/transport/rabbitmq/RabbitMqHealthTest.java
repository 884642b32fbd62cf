package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.CourierHealth;
import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.Health;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CourierHealth} over a Dispatcher on the real broker: UP while it runs, DOWN (the channel FAILING, with
 * the masked address) while the broker is stopped, UP again once it is back, and a message posted then is handled.
 */
class RabbitMqHealthTest {
    record Job(UUID id) implements Command {}

    private final RabbitMqTransportFixture fixture = new RabbitMqTransportFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void healthGoesDownWhileTheBrokerIsStoppedAndUpOnceItIsBack() {
        String topic = fixture.uniqueTopic("health");
        Set<UUID> handled = ConcurrentHashMap.newKeySet();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Job.class, job -> handled.add(job.id())))
                .mappers(new MessageMappers().json(Job.class, topic))
                .producers(Producers.of(fixture.transport())).build();
                Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                        .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .subscription(Subscription.builder(topic, Job.class).transport(fixture.transport()).build())
                        .build().start()) {
            CourierHealth health = CourierHealth.builder().dispatcher(dispatcher).build();
            assertThat(health.check().status()).isEqualTo(Health.Status.UP);

            Health down;
            try {
                TestBroker.stopApp();
                down = Await.value(Duration.ofSeconds(20), "health DOWN with the broker stopped", () -> {
                    Health now = health.check();
                    return now.status() == Health.Status.DOWN ? now : null;
                });
            } finally {
                TestBroker.startAppAndWait();
            }
            Await.until(Duration.ofSeconds(30), () -> "health UP again: " + health.check().summary(),
                    () -> health.check().status() == Health.Status.UP);
            Job job = Await.value(Duration.ofSeconds(30), "a post once the broker is back", () -> {
                Job attempt = new Job(Request.newId()); // a failed post stays in the outbox: each try is new
                try {
                    processor.post(attempt);
                    return attempt;
                } catch (RuntimeException e) {
                    return null; // the posting connection may still be recovering
                }
            });
            Await.until(Duration.ofSeconds(30), "the message handled", () -> handled.contains(job.id()));

            assertThat(down.summary()).contains("channel:" + topic + " DOWN: FAILING").contains(":****@")
                    .doesNotContain(":guest@");
        }
    }
}
