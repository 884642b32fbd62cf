package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.courier.ChannelFailureException;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.transport.rabbitmq.internal.Receipt;
import dev.courier.transport.rabbitmq.internal.Topology;
import dev.courier.transport.rabbitmq.internal.WireFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the deliveries of one {@link RabbitMqConsumer}. Requeue and reject publish a copy (to the channel's retry
 * queue or dead-letter queue) on the transport's {@link CopyLane} (its <em>publishing</em> connection), wait for
 * its confirm, and only then ack the original on the consuming channel: a crash in between gives a duplicate, never a
 * loss. The copies never go out on the consuming connection: when the broker blocks publishers (a memory or disk
 * alarm) it stops reading a blocked connection altogether, acks included, and consumption would stall. A delivery from before a reconnect is skipped: the broker
 * redelivers it. Each settle takes a lock, so a listener and the pump's thread may settle at once.
 */
final class Settler {
    /** The consumer's log category, as before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqConsumer.class);

    private final Connection connection;
    private final CopyLane copies;
    private final Channel channel;
    private final Topology topology;
    private final String queue;
    private final Duration confirmTimeout;
    private final AtomicLong generation;
    private final ReentrantLock settling = new ReentrantLock();

    /**
     * Settles on {@code channel}, which consumes {@code queue} on {@code connection}. {@code generation} is the
     * consumer's channel generation (a receipt of an older one is stale); {@code returned} is set by the channel's
     * return listener.
     */
    Settler(Connection connection, CopyLane copies, Channel channel, Topology topology, String queue,
            Duration confirmTimeout, AtomicLong generation) {
        this.connection = connection;
        this.copies = copies;
        this.channel = channel;
        this.topology = topology;
        this.queue = queue;
        this.confirmTimeout = confirmTimeout;
        this.generation = generation;
    }

    void acknowledge(Message message, Receipt receipt) {
        settling.lock();
        try {
            if (stale(receipt, message, "ack")) {
                return;
            }
            channel.basicAck(receipt.deliveryTag(), false);
        } catch (IOException | RuntimeException e) {
            throw failure("acknowledge", message, e);
        } finally {
            settling.unlock();
        }
    }

    void requeue(Message message, Receipt receipt, Duration delay) {
        settling.lock();
        try {
            if (stale(receipt, message, "requeue")) {
                return;
            }
            long millis = delay.toMillis();
            topology.declareRetry(connection, queue, millis);
            Map<String, Object> headers = copyHeaders(receipt.properties());
            headers.keySet().removeIf(name -> name.startsWith("x-death") || name.startsWith("x-first-death")
                    || name.startsWith("x-last-death"));
            headers.put(WireFormat.HANDLED_COUNT, receipt.handledCount() + 1);
            republish(Topology.retryQueue(queue, millis), headers, message, receipt, "requeue");
        } finally {
            settling.unlock();
        }
    }

    /**
     * Puts a copy of a redelivered message at the end of its own queue with its count of unsettled deliveries in
     * {@link WireFormat#DELIVERIES}, then acks the original: a classic queue keeps no such count itself.
     */
    void recount(Message message, Receipt receipt, int deliveries) {
        settling.lock();
        try {
            if (stale(receipt, message, "recount")) {
                return;
            }
            Map<String, Object> headers = copyHeaders(receipt.properties());
            headers.put(WireFormat.DELIVERIES, deliveries);
            headers.putIfAbsent(WireFormat.TOPIC, message.topic());
            republish(queue, headers, message, receipt, "count the redelivery of");
        } finally {
            settling.unlock();
        }
    }

    void reject(Message message, Receipt receipt, DeadLetterReason reason) {
        settling.lock();
        try {
            if (stale(receipt, message, "reject")) {
                return;
            }
            Map<String, Object> headers = copyHeaders(receipt.properties());
            headers.putAll(reason.asHeaders());
            republish(Topology.deadLetterQueue(queue), headers, message, receipt, "dead-letter");
        } finally {
            settling.unlock();
        }
        LOG.info("Dead-lettered message {} on topic '{}': {}", message.id(), message.topic(), reason.reason());
    }

    /**
     * Publishes a copy with confirm on the transport's {@link CopyLane}, then acks the original; if anything fails the
     * original stays unacked.
     */
    private void republish(String target, Map<String, Object> headers, Message message, Receipt receipt,
            String action) {
        try {
            copies.copy(target, WireFormat.withHeaders(receipt.properties(), headers), message.body().unsafeBytes(),
                    confirmTimeout);
            channel.basicAck(receipt.deliveryTag(), false);
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw failure(action, message, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(action, message, e);
        }
    }

    private boolean stale(Receipt receipt, Message message, String action) {
        if (receipt.generation() == generation.get()) {
            return false;
        }
        LOG.debug("Skipping {} of message {} on topic '{}': delivered before a reconnect, the broker redelivers it",
                action, message.id(), message.topic());
        return true;
    }

    private static Map<String, Object> copyHeaders(AMQP.BasicProperties properties) {
        return properties.getHeaders() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(properties.getHeaders());
    }

    private ChannelFailureException failure(String action, Message message, Exception e) {
        return new ChannelFailureException("Cannot " + action + " message " + message.id() + " on topic '"
                + message.topic() + "' (queue '" + queue + "'): " + e.getMessage(), e);
    }
}
