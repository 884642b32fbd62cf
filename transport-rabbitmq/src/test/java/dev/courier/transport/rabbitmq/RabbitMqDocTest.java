package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.Subscription;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The opening snippet of docs/transport-rabbitmq.md, with unique names so it can run on a shared broker. */
class RabbitMqDocTest {
    record TaskReminder(UUID id, String taskName) implements Command {}

    @Test
    void theSnippetRuns() {
        String exchange = "courier-doc-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = exchange + ".task.reminder";
        Message message = new Message(MessageHeader.builder(UUID.randomUUID(), topic, MessageType.COMMAND).build(),
                MessageBody.json("{\"taskName\":\"water the plants\"}"));
        Message received;
        try {
            // --- snippet ---
            RabbitMqConfig config = RabbitMqConfig.builder()
                    .uri(TestBroker.uri())
                    .exchange(exchange)
                    .queueType("payments", QueueType.QUORUM)
                    .build();
            try (RabbitMqTransport rabbit = RabbitMqTransport.connect(config);
                 MessageProducer producer = rabbit.producer()) {
                Subscription subscription = Subscription.builder(topic, TaskReminder.class)
                        .transport(rabbit).performers(2).prefetch(50)
                        .requeueCount(3).requeueDelay(Duration.ofSeconds(5)).build();
                rabbit.declareChannel(subscription.channelSpec());
                producer.send(message).join();
                try (MessageConsumer consumer = rabbit.createConsumer(subscription.channelSpec())) {
                    received = consumer.receive(Duration.ofSeconds(10));
                    consumer.acknowledge(received);
                }
            }
            // --- end of snippet ---
        } finally {
            TestBroker.deleteAll(exchange, RabbitMqTransport.declaredExchanges(exchange));
        }
        assertThat(received).isEqualTo(message);
    }

    @Test
    void theClusterSnippetBuildsAConfigForThreeNodesOnQuorumQueues() {
        java.util.concurrent.atomic.AtomicInteger customized = new java.util.concurrent.atomic.AtomicInteger();
        // --- cluster snippet ---
        RabbitMqConfig config = RabbitMqConfig.builder()
                .uri("amqp://app:secret@rabbit-1:5672,rabbit-2:5672,rabbit-3:5672/prod")
                .defaultQueueType(QueueType.QUORUM)       // work, dead-letter, delay and unroutable queues replicated
                .deliveryLimit(5)                         // a message whose consumers keep dying is dead-lettered
                .recoveryInterval(Duration.ofSeconds(2))  // pause before reconnecting (to a shuffled node)
                .heartbeat(Duration.ofSeconds(10))        // a node gone silent is noticed in about 20 s
                .connectionFactory(factory -> factory.setRequestedChannelMax(512))
                .build();
        // --- end of cluster snippet ---
        assertThat(config.addresses()).extracting(AmqpAddress::host)
                .containsExactly("rabbit-1", "rabbit-2", "rabbit-3");
        assertThat(config.defaultQueueType()).isEqualTo(QueueType.QUORUM);
        assertThat(config.nodes()).isEqualTo("rabbit-1:5672, rabbit-2:5672, rabbit-3:5672");
        assertThat(config.toString()).doesNotContain("secret");
        config.connectionFactoryCustomizer().accept(new com.rabbitmq.client.ConnectionFactory() {
            @Override
            public void setRequestedChannelMax(int requestedChannelMax) {
                customized.set(requestedChannelMax);
            }
        });
        assertThat(customized).hasValue(512);
    }
}
