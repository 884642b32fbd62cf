package dev.courier.transport.rabbitmq;

import static dev.courier.transport.rabbitmq.PendingConfirm.failure;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.courier.ProducerException;
import dev.courier.Reply;
import dev.courier.message.Message;
import dev.courier.message.MessageType;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.NamedThreadFactory;
import dev.courier.transport.rabbitmq.internal.Topology;
import dev.courier.transport.rabbitmq.internal.WireFormat;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes persistent, {@code mandatory} messages on confirm-mode channels, one per sending thread up to
 * {@link RabbitMqConfig#publishChannels()} (then threads share them, each channel under its own lock: an AMQP channel
 * is not thread-safe). Confirms are handled
 * asynchronously: up to {@link RabbitMqConfig#confirmWindow()} messages may wait for theirs, and a send beyond that
 * waits for room; the window is the producer's, across its channels. A send's future completes on the broker's ack,
 * and fails on a nack, a return (unroutable), a lost connection, or after {@link RabbitMqConfig#confirmTimeout()}.
 *
 * <p>{@link #sendUnconfirmed} publishes on a second channel, opened on first use, that is not in confirm mode: the
 * broker sends no confirm and the client's connection thread has none to handle.
 *
 * <p>Thread-safe. A thread keeps the channel it was given, so its messages are published, and confirmed, in the
 * order it sent them.
 */
public final class RabbitMqProducer implements MessageProducer {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqProducer.class);

    private final Connection connection;
    private final Topology topology;
    private final RabbitMqConfig config;
    private final Semaphore window;
    /** Every publishing channel opened, oldest first; at most {@link RabbitMqConfig#publishChannels()}. */
    private final List<ConfirmLane> lanes = new CopyOnWriteArrayList<>();
    private final ThreadLocal<ConfirmLane> laneOfThread = new ThreadLocal<>();
    private final ReentrantLock lanesLock = new ReentrantLock();
    /** How many threads were given a lane; guarded by {@link #lanesLock}. */
    private int threadsServed;
    private final ReentrantLock unconfirmedLock = new ReentrantLock();
    private Channel unconfirmed;
    private final ScheduledExecutorService expiry;
    /** Pauses the lanes while the connection recovers (see ConfirmLane.paused); null on a connection that cannot. */
    private final RecoveryListener recovery;
    private volatile boolean closed;

    RabbitMqProducer(Connection connection, Topology topology, RabbitMqConfig config) {
        this.connection = connection;
        this.topology = topology;
        this.config = config;
        this.window = new Semaphore(config.confirmWindow());
        topology.declareExchanges(connection);
        try {
            lanes.add(newLane()); // the first, so that a broker problem shows here
        } catch (IOException e) {
            throw new ProducerException("Cannot open a publishing channel on " + config.address(), e);
        }
        recovery = connection instanceof Recoverable recoverable
                ? ConfirmLane.pauseWhileRecovering(recoverable, lanes) : null;
        long period = Math.max(50, Math.min(1000, config.confirmTimeout().toMillis() / 4));
        expiry = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("courier-rabbitmq-confirm-expiry"));
        expiry.scheduleWithFixedDelay(this::expire, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        Objects.requireNonNull(message, "message");
        ProducerException refused = check(message);
        return refused != null ? CompletableFuture.failedFuture(refused) : publish(message);
    }

    /**
     * Publishes on the channel without confirms: the future completes once the client wrote the message to the
     * connection. A delayed message goes through {@link #send}, which prepares its delay levels. An unroutable
     * message is returned by the broker and logged.
     */
    @Override
    public CompletableFuture<Void> sendUnconfirmed(Message message) {
        Objects.requireNonNull(message, "message");
        ProducerException refused = check(message);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        if (!message.header().delay().isZero()) {
            return publish(message);
        }
        AMQP.BasicProperties properties = WireFormat.toProperties(message);
        unconfirmedLock.lock();
        try {
            if (unconfirmed == null) {
                unconfirmed = connection.createChannel();
                unconfirmed.addReturnListener(r -> LOG.warn("Unconfirmed message {} on topic '{}' was returned "
                        + "unroutable by exchange '{}': {} {}", r.getProperties().getMessageId(), r.getRoutingKey(),
                        r.getExchange(), r.getReplyCode(), r.getReplyText()));
            }
            unconfirmed.basicPublish(exchangeFor(message), message.topic(), true, properties,
                    message.body().unsafeBytes());
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new ProducerException("Message " + message.id() + " on topic '"
                    + message.topic() + "' not sent: the channel is not open (RabbitMQ unreachable?)", e));
        } finally {
            unconfirmedLock.unlock();
        }
    }

    /** Checks every message first (a too-large one fails the batch before anything is sent), then publishes all. */
    @Override
    public CompletableFuture<Void> sendBatch(List<Message> messages) {
        Objects.requireNonNull(messages, "messages");
        for (Message message : messages) {
            ProducerException refused = check(Objects.requireNonNull(message, "message in batch"));
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
        }
        CompletableFuture<?>[] futures = new CompletableFuture<?>[messages.size()];
        for (int i = 0; i < futures.length; i++) {
            futures[i] = publish(messages.get(i));
        }
        return CompletableFuture.allOf(futures);
    }

    private ProducerException check(Message message) {
        if (closed) {
            return new ProducerException("Producer is closed; message " + message.id() + " on topic '"
                    + message.topic() + "' not sent");
        }
        if (message.header().messageType() == MessageType.REPLY && !message.topic().startsWith(Reply.ADDRESS_PREFIX)) {
            return new ProducerException("Reply " + message.id() + " is addressed to '" + message.topic() + "', which is "
                    + "not a reply address (" + Reply.ADDRESS_PREFIX + "...): a reply never goes to a topic");
        }
        if (message.header().delay().compareTo(RabbitMqTransport.MAX_DELAY) > 0) {
            return new DelayTooLongException(message.topic(), message.id(), message.header().delay());
        }
        if (message.body().size() > config.maxBodySize()) {
            return new MessageTooLargeException(message.topic(), message.id(), message.body().size(),
                    config.maxBodySize());
        }
        return null;
    }

    private CompletableFuture<Void> publish(Message message) {
        long delay = message.header().delay().toMillis();
        String exchange = exchangeFor(message);
        String routingKey = message.topic();
        AMQP.BasicProperties properties = WireFormat.toProperties(message);
        if (delay > 0) {
            try {
                topology.declareDelay(connection, delay);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(failure("cannot prepare its delay levels", message, e));
            }
            exchange = topology.delayEntry(delay);
            routingKey = Topology.delayKey(delay);
            Map<String, Object> headers = new LinkedHashMap<>(properties.getHeaders());
            headers.put(WireFormat.DELAY_TARGET, message.topic());
            properties = WireFormat.withHeaders(properties, headers);
        }
        try {
            if (!window.tryAcquire(config.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return CompletableFuture.failedFuture(failure("the confirm window stayed full for "
                        + config.confirmTimeout(), message, null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(failure("interrupted waiting for the confirm window", message, e));
        }
        ConfirmLane lane;
        try {
            lane = lane();
        } catch (IOException | RuntimeException e) {
            window.release();
            return CompletableFuture.failedFuture(failure("cannot open a publishing channel", message, e));
        }
        return lane.publish(exchange, routingKey, properties, message);
    }

    /**
     * A reply goes through the default exchange straight to its reply queue (named by its address), so that whatever
     * reply-to a request carried, the reply can reach a reply queue and nothing else; everything else goes to the
     * topic exchange.
     */
    private String exchangeFor(Message message) {
        return message.header().messageType() == MessageType.REPLY ? "" : topology.exchange();
    }

    /**
     * This thread's lane: the one it was given before, else the next one not yet given to a thread, else a new one
     * while there are fewer than {@link RabbitMqConfig#publishChannels()}, else one shared in turn.
     */
    private ConfirmLane lane() throws IOException {
        ConfirmLane lane = laneOfThread.get();
        if (lane != null) {
            return lane;
        }
        lanesLock.lock();
        try {
            if (threadsServed < lanes.size()) {
                lane = lanes.get(threadsServed);
            } else if (lanes.size() < config.publishChannels()) {
                lane = newLane();
                lanes.add(lane);
            } else {
                lane = lanes.get(threadsServed % lanes.size());
            }
            threadsServed++;
        } finally {
            lanesLock.unlock();
        }
        laneOfThread.set(lane);
        return lane;
    }

    private ConfirmLane newLane() throws IOException {
        return new ConfirmLane(connection.createChannel(), window, topology.exchange(), config.confirmTimeout());
    }

    /** How many publishing channels this producer has opened. */
    int publishingChannels() {
        return lanes.size();
    }

    /** Fails entries older than the confirm timeout; runs every few hundred milliseconds. */
    private void expire() {
        long now = System.nanoTime();
        for (ConfirmLane lane : lanes) {
            lane.expire(now);
        }
    }

    /** Waits up to the confirm timeout for outstanding confirms, then closes the channel. */
    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + config.confirmTimeout().toNanos();
        for (ConfirmLane lane : lanes) {
            lane.awaitConfirms(deadline);
            closeQuietly(lane.channel);
        }
        unconfirmedLock.lock();
        try {
            if (unconfirmed != null) {
                closeQuietly(unconfirmed);
            }
        } finally {
            unconfirmedLock.unlock();
        }
        expiry.shutdownNow();
        if (recovery != null) {
            ((Recoverable) connection).removeRecoveryListener(recovery);
        }
        ShutdownSignalException closing = new ShutdownSignalException(false, true, null, "producer closed");
        for (ConfirmLane lane : lanes) {
            lane.lost(closing);
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.debug("Closing publishing channel failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "RabbitMqProducer[" + config.address() + ", exchange=" + topology.exchange() + ", channels="
                + lanes.size() + ", unconfirmed=" + lanes.stream().mapToInt(l -> l.pending.size()).sum() + "]";
    }
}
