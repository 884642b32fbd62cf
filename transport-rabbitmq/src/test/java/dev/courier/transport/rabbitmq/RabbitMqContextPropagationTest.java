package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.Command;
import dev.courier.ContextPropagator;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The poster's W3C trace context crosses the real broker: a foreign client sees {@code traceparent} and
 * {@code tracestate} as AMQP headers of those names, and a Dispatcher's handler runs with them restored.
 */
class RabbitMqContextPropagationTest {
    record Job(UUID id) implements Command {}

    private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    /** Carries {@link #CURRENT} as {@code traceparent}, with a fixed {@code tracestate}. */
    private static final ContextPropagator TRACING = new ContextPropagator() {
        @Override
        public Map<String, String> capture(Message message) {
            return CURRENT.get() == null ? Map.of() : Map.of("traceparent", CURRENT.get(), "tracestate", "vendor=1");
        }

        @Override
        public Scope restore(Map<String, String> headers) {
            CURRENT.set(headers.get("traceparent") + " " + headers.get("tracestate"));
            return CURRENT::remove;
        }
    };

    private final RabbitMqTransportFixture fixture = new RabbitMqTransportFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void theTraceTravelsAsAmqpHeadersAndIsRestoredForTheHandler() throws Exception {
        String topic = fixture.uniqueTopic("traced");
        String foreignQueue = topic + ".foreign";
        Map<UUID, String> seen = new ConcurrentHashMap<>();
        try (Connection raw = TestBroker.rawConnection(); Channel channel = raw.createChannel()) {
            channel.queueDeclare(foreignQueue, false, false, true, null);
            channel.queueBind(foreignQueue, fixture.prefix(), topic);
            try (CommandProcessor processor = CommandProcessor.builder().contextPropagator(TRACING)
                    .handlers(new HandlerRegistry().register(Job.class,
                            job -> seen.put(job.id(), String.valueOf(CURRENT.get()))))
                    .mappers(new MessageMappers().json(Job.class, topic))
                    .producers(Producers.of(fixture.transport())).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                            .subscription(Subscription.builder(topic, Job.class).transport(fixture.transport())
                                    .build())
                            .build().start()) {
                Job job = new Job(Request.newId());
                CURRENT.set(TRACE);
                try {
                    processor.post(job);
                } finally {
                    CURRENT.remove();
                }
                Await.until(Duration.ofSeconds(10), "the handling", () -> seen.containsKey(job.id()));
                GetResponse onTheWire = Await.value(Duration.ofSeconds(10), "the foreign copy", () -> {
                    try {
                        return channel.basicGet(foreignQueue, true);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });

                assertThat(seen.get(job.id())).isEqualTo(TRACE + " vendor=1");
                assertThat(onTheWire.getProps().getHeaders()).containsKeys("traceparent", "tracestate");
                assertThat(onTheWire.getProps().getHeaders().get("traceparent").toString()).isEqualTo(TRACE);
            }
        }
    }
}
