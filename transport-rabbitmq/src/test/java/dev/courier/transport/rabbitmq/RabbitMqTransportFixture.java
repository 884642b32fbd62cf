package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.Request;
import dev.courier.spi.ChannelSpec;
import dev.courier.message.Message;
import dev.courier.test.contract.TransportFixture;
import dev.courier.spi.Transport;
import dev.courier.spi.MessageProducer;
import dev.courier.transport.rabbitmq.internal.WireFormat;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Everything a transport test needs from RabbitMQ: core's {@link TransportFixture} (so the contract suites run on
 * it) plus a few RabbitMQ-specific helpers. Each fixture has its own exchange and name prefix, and {@link #close()}
 * deletes every queue and exchange it made.
 */
public final class RabbitMqTransportFixture implements TransportFixture {
    /** A request type for subscriptions: the transport never looks at it. */
    record Ping(UUID id) implements Request {}

    private final String prefix = "courier-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final RabbitMqConfig config;
    private final RabbitMqTransport transport;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Map<String, List<Message>> deadLetters = new HashMap<>();
    private MessageProducer producer;
    private boolean closed;

    RabbitMqTransportFixture() {
        this(builder -> builder);
    }

    RabbitMqTransportFixture(UnaryOperator<RabbitMqConfigBuilder> settings) {
        this.config = settings.apply(RabbitMqConfig.builder().uri(TestBroker.uri()).exchange(prefix)
                .connectionName(prefix).recoveryInterval(Duration.ofMillis(500))).build();
        this.transport = RabbitMqTransport.connect(config);
    }

    String prefix() { return prefix; }
    RabbitMqConfig config() { return config; }

    @Override
    public RabbitMqTransport transport() { return transport; }

    @Override
    public Clock clock() { return Clock.systemUTC(); }

    /** A real broker's time cannot be moved: delays are waited out. */
    @Override
    public void passTime(Duration duration) {}

    @Override
    public synchronized MessageProducer producer() {
        if (producer == null) {
            producer = transport.producer();
            opened.add(producer);
        }
        return producer;
    }

    @Override
    public String uniqueTopic(String base) {
        return prefix + "." + base + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** The channel named after {@code topic} on this fixture's transport; its queue exists once this returns. */
    ChannelSpec subscription(String topic) {
        ChannelSpec channel = ChannelSpec.of(topic);
        transport.declareChannel(channel);
        return channel;
    }

    RabbitMqConsumer consumer(ChannelSpec subscription) {
        RabbitMqConsumer consumer = transport.createConsumer(subscription);
        opened.add(consumer);
        return consumer;
    }

    /**
     * Every message dead-lettered on the channel so far, oldest first. Reading takes them off the dead-letter queue,
     * so the fixture keeps what it read and returns it again on later calls.
     */
    @Override
    public synchronized List<Message> deadLetters(ChannelSpec subscription) {
        List<Message> messages = deadLetters.computeIfAbsent(subscription.channel(), c -> new ArrayList<>());
        try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
            GetResponse response;
            while ((response = channel.basicGet(RabbitMqTransport.deadLetterQueue(subscription.channel()), true))
                    != null) {
                messages.add(WireFormat.toMessage(response.getProps(), response.getBody(),
                        response.getEnvelope().getRoutingKey(), subscription.topic(), 0));
            }
        } catch (Exception e) {
            throw new AssertionError("cannot read dead letters of " + subscription.channel(), e);
        }
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable closeable : opened) {
            try {
                closeable.close();
            } catch (Exception e) {
                // best effort
            }
        }
        transport.close();
        TestBroker.deleteAll(prefix, RabbitMqTransport.declaredExchanges(prefix));
    }
}
