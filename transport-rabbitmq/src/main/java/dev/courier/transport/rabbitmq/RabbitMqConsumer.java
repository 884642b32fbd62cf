package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.courier.ChannelFailureException;
import dev.courier.spi.ChannelSpec;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageListener;
import dev.courier.spi.NamedThreadFactory;
import dev.courier.transport.rabbitmq.internal.Connections;
import dev.courier.transport.rabbitmq.internal.Receipt;
import dev.courier.transport.rabbitmq.internal.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one channel's work queue on an AMQP channel of its own, with manual acks and {@code basic.qos} set to the
 * channel's prefetch. Deliveries are pushed by the client into a local buffer that {@link #receive} reads.
 * Requeue and reject publish a copy (to the delay levels or the channel's dead-letter queue), wait for its confirm, and
 * only then ack the original: a crash in between gives a duplicate, never a loss. Acks of messages handled back to
 * back go out together, up to {@link RabbitMqConfig#acknowledgeBatch()}.
 *
 * <p>The client calls this consumer on the thread that reads the connection, so a delivery costs one thread hand-off,
 * to the pump. A <em>listening</em> consumer (made with a {@link MessageListener}) offers each delivery to the listener
 * on a thread of its own, in order, and buffers only what it declines: the reply channel of {@code call} completes the
 * caller's future there without waking its pump, and nothing run on that future holds up the connection.
 *
 * <p>After the client recovers a lost connection, delivery tags handed out before are stale: settling such a
 * message does nothing (the broker redelivers it), so no channel error follows. {@link #receive} is for one thread
 * (one pump); acknowledge, requeue and reject take a lock, so a listener and that thread may settle at once.
 */
public final class RabbitMqConsumer implements MessageConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqConsumer.class);

    private final Connection connection;
    private final Channel channel;
    private final Topology topology;
    private final ChannelSpec spec;
    private final RabbitMqConfig config;
    private final String queue;
    private final BlockingQueue<Delivery> buffer = new LinkedBlockingQueue<>();
    private final MessageListener listener;
    /** Offers deliveries to {@link #listener}, off the connection's reader thread; null without a listener. */
    private final ExecutorService listening;
    private final AtomicLong generation = new AtomicLong();
    private final Settler settler;
    private final DeliveryLimit deliveries;
    private volatile String broken;
    private volatile boolean closed;
    private final Supplier<String> blocked;

    private RabbitMqConsumer(Connections.Pair connections, CopyLane copies, Topology topology, ChannelSpec spec,
            RabbitMqConfig config, MessageListener listener) {
        Connection connection = connections.consuming();
        this.connection = connection;
        this.listener = listener;
        this.listening = listener == null ? null : new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new NamedThreadFactory("courier-rabbitmq-listener-" + spec.channel()));
        this.topology = topology;
        this.spec = spec;
        this.config = config;
        this.queue = spec.channel();
        topology.declareChannel(connection, spec.topic(), queue, config.queueType(queue));
        try {
            channel = connection.createChannel();
            channel.basicQos(spec.prefetch());
            channel.addShutdownListener(this::channelClosed);
        } catch (IOException | RuntimeException e) {
            throw cannotConsume(e);
        }
        blocked = connections::blocked;
        settler = new Settler(connection, copies, channel, topology, queue, config.confirmTimeout(), generation,
                spec.prefetch(), listener == null ? config.acknowledgeBatch() : 1);
        deliveries = new DeliveryLimit(settler, config.queueType(queue), config.deliveryLimit(), spec.topic(),
                connections::blocked);
    }

    /** Declares the channel, opens an AMQP channel and starts consuming; {@code listener} may be null. */
    static RabbitMqConsumer open(Connections.Pair connections, CopyLane copies, Topology topology, ChannelSpec spec,
            RabbitMqConfig config, MessageListener listener) {
        RabbitMqConsumer consumer = new RabbitMqConsumer(connections, copies, topology, spec, config, listener);
        try {
            consumer.channel.basicConsume(consumer.queue, false, consumer.new Deliveries());
        } catch (IOException | RuntimeException e) {
            consumer.close();
            throw consumer.cannotConsume(e);
        }
        return consumer;
    }

    private ChannelFailureException cannotConsume(Exception e) {
        return new ChannelFailureException("Cannot consume from queue '" + queue + "' (topic '"
                + spec.topic() + "') on " + config.address() + ": " + e.getMessage(), e);
    }

    /** Called on the connection's reader thread, one delivery at a time: never blocks or throws (openConsuming). */
    private final class Deliveries extends DefaultConsumer {
        Deliveries() {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try {
                if (body.length > config.maxBodySize()) {
                    String failure = settler.rejectUnread(envelope, properties, body.length, config.maxBodySize());
                    broken = failure == null ? broken : failure;
                    return; // never buffered: prefetch x maxBodySize bounds what a consumer holds
                }
                Delivery delivery = new Delivery(generation.get(), envelope, properties, body);
                if (listening == null) {
                    buffer.add(delivery);
                } else {
                    listening.execute(() -> {
                        if (delivery.generation() == generation.get() && !offer(delivery)) {
                            buffer.add(delivery);
                        }
                    });
                }
            } catch (RuntimeException e) { // the listener's thread shut down meanwhile, say: it stays unsettled
                if (!closed && broken == null) {
                    broken = "cannot take a delivery: " + e;
                }
            }
        }

        @Override
        public void handleCancel(String tag) {
            // The queue was deleted (or its node lost): the pump replaces this consumer, and the new one must
            // declare the queue again rather than trust that this connection declared it once.
            topology.forgetChannel(connection, queue);
            broken = "the broker cancelled the consumer (queue '" + queue + "' deleted?); it is declared again";
        }
    }

    /**
     * Offers a delivery to the listener; true if it took it. A closed or broken consumer offers nothing and keeps
     * nothing: the delivery stays unsettled and the broker redelivers it once this consumer is closed.
     */
    private boolean offer(Delivery delivery) {
        if (closed || broken != null) {
            return true;
        }
        Message message = delivery.toMessage(this, topology, spec, config.maxBodySize());
        try {
            return listener.offer(message, this);
        } catch (RuntimeException e) {
            broken = "the listener failed on message " + message.id() + ": " + e;
            LOG.warn("Listener of queue '{}' failed on message {}; the consumer counts as broken: {}", queue,
                    message.id(), e.toString());
            return true;
        }
    }

    /** Any close moves to a new generation; a channel-level close (not recovered by the client) is final. */
    private void channelClosed(ShutdownSignalException cause) {
        generation.incrementAndGet();
        buffer.clear();
        if (Connections.tooLarge(cause)) {
            settler.narrow();
        }
        if (!cause.isHardError() && !cause.isInitiatedByApplication()) {
            broken = "the broker closed the channel: " + cause.getMessage();
        }
    }

    @Override
    public Message receive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            failIfBroken();
            Delivery delivery = buffer.poll();
            try {
                if (delivery == null) {
                    settler.flush(); // nothing more in hand: the acks held back go out before waiting
                    delivery = buffer.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (delivery == null) {
                failIfBroken();
                return null;
            }
            if (delivery.generation() != generation.get()) {
                continue; // from before a reconnect: the broker redelivers it
            }
            Message message = delivery.toMessage(this, topology, spec, config.maxBodySize());
            settler.taken((Receipt) message.receipt());
            if (delivery.envelope().isRedeliver() && !deliveries.admit(message, (Receipt) message.receipt())) {
                continue; // dead-lettered, or copied with its count to the end of the queue
            }
            return message;
        }
    }

    private void failIfBroken() {
        if (closed) {
            throw new ChannelFailureException("Consumer of queue '" + queue + "' is closed");
        }
        if (broken != null) {
            throw new ChannelFailureException("Consumer of queue '" + queue + "' (topic '" + spec.topic()
                    + "') failed: " + broken);
        }
    }

    @Override
    public void acknowledge(Message message) {
        settler.acknowledge(message, Receipt.of(message, this, queue), listening == null && !buffer.isEmpty());
    }

    @Override
    public void requeue(Message message, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative but was " + delay);
        }
        settler.requeue(message, Receipt.of(message, this, queue), delay);
    }

    @Override
    public void reject(Message message, DeadLetterReason reason) {
        Objects.requireNonNull(reason, "reason");
        settler.reject(message, Receipt.of(message, this, queue), reason);
    }

    /** Names a connection or channel that is down (the client recovers the connection), or null while both are up. */
    @Override
    public String unavailableReason() {
        if (closed) {
            return null; // its pump has let it go
        }
        if (!connection.isOpen()) {
            return "the connection to " + config.address() + " is down; the client is recovering it";
        }
        return channel.isOpen() ? null : "the channel on queue '" + queue + "' is closed";
    }

    /** The broker node the consuming connection is on just now ({@code host:port}), or null while it is down. */
    @Override
    public String endpoint() {
        boolean up = !closed && connection.isOpen() && connection.getAddress() != null;
        return up ? connection.getAddress().getHostAddress() + ":" + connection.getPort() : null;
    }

    /** Why the broker blocks this transport's publishing (requeues and dead letters wait), or null. */
    @Override
    public String blockedReason() {
        return closed ? null : blocked.get();
    }

    /** Cancels and closes the channel: every unsettled message goes back to the queue. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        settler.flushQuietly(); // what was handled is settled: a clean stop redelivers nothing
        try {
            // Close even when the connection is down: that also unregisters the channel from the client's
            // recovery, which would otherwise re-open it and its consumer after a reconnect, and deliveries would
            // pile up unacknowledged in this closed consumer's buffer for as long as the connection lives.
            channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.debug("Closing consumer channel of queue '{}' failed: {}", queue, e.toString());
        }
        if (listening != null) {
            listening.shutdown(); // what it still holds finds the consumer closed and keeps nothing
        }
        buffer.clear();
    }

    int buffered() { return buffer.size(); } // for tests: delivered, not yet received

    @Override
    public String toString() {
        return "RabbitMqConsumer[queue=" + queue + ", topic=" + spec.topic() + ", " + config.address() + "]";
    }
}
