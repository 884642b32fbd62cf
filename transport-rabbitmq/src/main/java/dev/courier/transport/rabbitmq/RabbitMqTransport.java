package dev.courier.transport.rabbitmq;

import dev.courier.ChannelFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterQueue;
import dev.courier.spi.Transport;
import dev.courier.spi.MessageListener;
import dev.courier.transport.rabbitmq.internal.Connections;
import dev.courier.transport.rabbitmq.internal.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ transport: two connections (one for publishing, one for consuming, so that broker flow control on
 * publishers never stalls consumers' acks), with the client's automatic connection and topology recovery on.
 *
 * <pre>{@code
 * try (RabbitMqTransport rabbit = RabbitMqTransport.connect(RabbitMqConfig.of("amqp://guest:guest@localhost/%2F"))) {
 *     MessageProducer producer = rabbit.producer();
 *     Subscription subscription = Subscription.builder("task.reminder", TaskReminder.class).transport(rabbit).build();
 * }
 * }</pre>
 */
public final class RabbitMqTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqTransport.class);

    /**
     * The longest delay of a delayed post or a requeue: 2^32 - 1 ms (about 49.7 days), what the 32 delay levels
     * hold. A longer post is refused ({@link DelayTooLongException}); a longer requeue waits this long.
     */
    public static final Duration MAX_DELAY = Duration.ofMillis(Topology.MAX_DELAY_MILLIS);

    private final RabbitMqConfig config;
    private final Topology topology;
    private final Connection publishing;
    private final Connection consuming;
    private final Connections.Pair connections;
    private final CopyLane copies;
    private volatile boolean closed;

    private RabbitMqTransport(RabbitMqConfig config) {
        this.config = config;
        this.topology = new Topology(config.exchange(), config.topologyMode(), config.deliveryLimit(),
                config.defaultQueueType());
        this.publishing = Connections.open(config, "publish");
        try {
            this.consuming = Connections.openConsuming(config, "consume");
        } catch (RuntimeException e) {
            closeQuietly(publishing);
            throw e;
        }
        this.connections = new Connections.Pair(consuming, publishing, new AtomicReference<>());
        abortWhenRecoveredAfterClose(publishing);
        abortWhenRecoveredAfterClose(consuming);
        try {
            topology.declareExchanges(publishing);
            this.copies = new CopyLane(publishing, connections::blocked);
        } catch (IOException e) {
            close();
            throw new ChannelFailureException("Cannot open the channel for requeue and dead-letter copies on "
                    + config.address() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Connected to RabbitMQ: {}", config);
    }

    /** Connects (both connections) and, in {@link TopologyMode#CREATE}, declares the exchanges. */
    public static RabbitMqTransport connect(RabbitMqConfig config) {
        return new RabbitMqTransport(Objects.requireNonNull(config, "config"));
    }

    /** A new producer with a channel of its own; thread-safe. */
    @Override
    public RabbitMqProducer producer() {
        return new RabbitMqProducer(publishing, topology, config);
    }

    /** A new consumer (its own AMQP channel) of {@code channel}; declares the channel as the mode allows. */
    @Override
    public RabbitMqConsumer createConsumer(ChannelSpec channel) {
        Objects.requireNonNull(channel, "channel");
        return RabbitMqConsumer.open(connections, copies, topology, channel, config, null);
    }

    /**
     * A consumer that offers each delivery to {@code listener} on the client's delivery thread before buffering it
     * for {@code receive}: one thread hand-off less (a processor's reply channel uses it for call replies).
     */
    @Override
    public RabbitMqConsumer createConsumer(ChannelSpec channel, MessageListener listener) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(listener, "listener");
        return RabbitMqConsumer.open(connections, copies, topology, channel, config, listener);
    }

    /**
     * Makes sure a channel's queues exist and are bound, without consuming: messages published afterwards are kept
     * for it. A {@link #createConsumer} does this too.
     */
    public void declareChannel(ChannelSpec channel) {
        String queue = channel.channel();
        topology.declareChannel(publishing, channel.topic(), queue, config.queueType(queue));
    }

    /**
     * How many messages wait in the unroutable queue ({@code <exchange>.unroutable}): delayed posts and requeues whose
     * wait ended when no queue was there to take them. They are kept there, never dropped; move them back with
     * a shovel or the management UI once their queue exists.
     */
    public long unroutableCount() {
        try (com.rabbitmq.client.Channel channel = publishing.createChannel()) {
            return channel.messageCount(topology.unroutableQueue());
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new ChannelFailureException("Cannot count the unroutable queue '" + topology.unroutableQueue()
                    + "' on " + config.address() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every exchange Courier declares for the exchange name {@code exchange}: itself, the delay exit, the 32 delay
     * levels and the unroutable exchange (for tearing an environment down; queues are named in
     * docs/transport-rabbitmq.md).
     */
    public static List<String> declaredExchanges(String exchange) {
        Topology topology = new Topology(exchange, TopologyMode.ASSUME);
        List<String> names = new ArrayList<>(List.of(exchange, topology.delayExit(), topology.unroutableQueue()));
        for (int k = 0; k < Topology.DELAY_LEVELS; k++) {
            names.add(topology.delayLevel(k));
        }
        return List.copyOf(names);
    }

    /**
     * Deletes, over {@code amqp}, what Courier declared for {@code channels} (each one's queue and dead-letter queue)
     * and for the exchange name {@code exchange} (its exchanges, the delay levels' queues and the unroutable queue).
     * For tearing down a test or a retired deployment: the messages in them are gone. Missing ones are skipped.
     */
    public static void deleteTopology(com.rabbitmq.client.Channel amqp, String exchange, String... channels)
            throws java.io.IOException {
        for (String channel : channels) {
            amqp.queueDelete(channel);
            amqp.queueDelete(deadLetterQueue(channel));
        }
        for (String name : declaredExchanges(exchange)) {
            amqp.queueDelete(name); // the delay levels' and the unroutable queues are named after their exchanges
            amqp.exchangeDelete(name);
        }
    }

    /** As {@link #deleteTopology(com.rabbitmq.client.Channel, String, String...)}, over a connection of its own to {@code uri}. */
    public static void deleteTopology(String uri, String exchange, String... channels) throws Exception {
        com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        try (com.rabbitmq.client.Connection connection = factory.newConnection("courier-teardown");
                com.rabbitmq.client.Channel amqp = connection.createChannel()) {
            deleteTopology(amqp, exchange, channels);
        }
    }

    /**
     * The dead-letter queues of this broker's channels, for an operator's tools: list, redrive, move, purge (see
     * {@code dev.courier.runtime.DeadLetters}). Each browse opens a channel of its own on the publishing connection.
     */
    public DeadLetterQueue deadLetterQueue() {
        return new RabbitMqDeadLetters(publishing, config, java.time.Clock.systemUTC());
    }

    /**
     * Deletes a channel's queue and its dead-letter queue, with the messages in them (a tool's reply channel when it
     * is done with it). A missing one is skipped.
     */
    public void deleteChannel(String channel) {
        try (com.rabbitmq.client.Channel amqp = publishing.createChannel()) {
            amqp.queueDelete(channel);
            amqp.queueDelete(deadLetterQueue(channel));
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new ChannelFailureException("Cannot delete channel '" + channel + "' on " + config.address() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The name of a channel's dead-letter queue. */
    public static String deadLetterQueue(String channel) {
        return Topology.deadLetterQueue(channel);
    }

    public RabbitMqConfig config() {
        return config;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(consuming);
        closeQuietly(publishing);
    }

    /**
     * The client checks that a connection was not closed before it puts a recovered one in place, but not in the
     * same step: a close that comes in between (the broker dropped the connection about one recovery interval
     * before) aborts the old, dead connection, and the new one lives on, re-declaring queues and re-registering
     * consumers for a transport that is gone. Abort such a connection as soon as it is in place.
     */
    private void abortWhenRecoveredAfterClose(Connection connection) {
        if (connection instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecoveryStarted(Recoverable r) {
                    // nothing in place yet
                }

                @Override
                public void handleTopologyRecoveryStarted(Recoverable r) {
                    abortIfClosed(connection);
                }

                @Override
                public void handleRecovery(Recoverable r) {
                    abortIfClosed(connection);
                }
            });
        }
    }

    /** The transport's two connections, for tests in this package. */
    Connections.Pair connections() {
        return connections;
    }

    private void abortIfClosed(Connection connection) {
        if (closed && connection.isOpen()) {
            LOG.debug("Aborting a connection recovered after its transport was closed");
            connection.abort();
        }
    }

    /**
     * Closes a connection; one that is down is aborted instead, which also ends the client's recovery of it:
     * skipping it would leave it reconnecting in the background, and re-declaring its queues, after the transport
     * was closed.
     */
    private static void closeQuietly(Connection connection) {
        try {
            if (connection.isOpen()) {
                connection.close();
            } else {
                connection.abort();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing connection failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "RabbitMqTransport[" + config + "]";
    }
}
