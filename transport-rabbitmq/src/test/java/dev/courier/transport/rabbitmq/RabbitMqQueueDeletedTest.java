package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.courier.ChannelState;
import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A work queue deleted under a running Dispatcher (by an operator, a policy, a test) is declared again by the pump
 * that lost it, which then resumes: no reconnect, no restart. Messages posted after it is back are all handled once.
 */
class RabbitMqQueueDeletedTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    record Job(UUID id, int n) implements Command {}

    private final RabbitMqTransportFixture fixture = new RabbitMqTransportFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aDeletedWorkQueueIsDeclaredAgainAndItsChannelResumesByItself() throws Exception {
        String topic = fixture.uniqueTopic("deleted");
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        List<Integer> handlings = new java.util.concurrent.CopyOnWriteArrayList<>();
        RabbitMqTransport rabbit = fixture.transport();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Job.class, (RequestHandler<Job>) job -> {
                    handled.add(job.n());
                    handlings.add(job.n());
                }))
                .mappers(new MessageMappers().json(Job.class, topic)).producers(Producers.of(rabbit)).build();
                Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                        .subscription(Subscription.builder(topic, Job.class).transport(rabbit).performers(2).build())
                        .build().start()) {
            processor.post(new Job(Request.newId(), 0));
            Await.until(WAIT, "the first job", () -> handled.contains(0));

            try (Connection raw = TestBroker.rawConnection(); Channel amqp = raw.createChannel()) {
                amqp.queueDelete(topic);
            }
            Await.until(WAIT, "the work queue declared again", () -> queueExists(topic));
            Await.until(WAIT, () -> "the channel running again, but it is " + dispatcher.state(topic),
                    () -> dispatcher.state(topic).status() == ChannelState.Status.RUNNING);

            for (int n = 1; n <= 20; n++) {
                processor.post(new Job(Request.newId(), n));
            }
            Await.until(WAIT, () -> "20 jobs after the queue came back, handled " + handled,
                    () -> handled.size() == 21);
            assertThat(handlings).as("each job handled once").hasSize(21).doesNotHaveDuplicates();
        }
    }

    private static boolean queueExists(String queue) {
        try (Connection raw = TestBroker.rawConnection(); Channel amqp = raw.createChannel()) {
            amqp.queueDeclarePassive(queue);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
