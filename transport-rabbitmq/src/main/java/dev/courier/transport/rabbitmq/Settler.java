package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Envelope;
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
 * Settles the deliveries of one {@link RabbitMqConsumer}. Requeue and reject publish a copy (to the delay levels
 * or the dead-letter queue) on the transport's {@link CopyLane} (its <em>publishing</em> connection), wait for
 * its confirm, and only then ack the original on the consuming channel: a crash in between gives a duplicate, never a
 * loss. The copies never go out on the consuming connection: when the broker blocks publishers (a memory or disk
 * alarm) it stops reading a blocked connection altogether, acks included, and consumption would stall. A delivery from before a reconnect is skipped: the broker
 * redelivers it. Each settle takes a lock, so a listener and the pump's thread may settle at once.
 *
 * <p>Acks of messages handled back to back may be held and sent as one ({@link AckRun}): the consumer says which
 * delivery it takes from its buffer ({@link #taken}), and {@link #flush flushes} before it waits and as it closes.
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
    private final int prefetch;
    private final ReentrantLock settling = new ReentrantLock();
    private final AckRun run; // guarded by settling
    private volatile boolean narrowed;

    /**
     * Settles on {@code channel}, which consumes {@code queue} on {@code connection}. {@code generation} is the
     * consumer's channel generation (a receipt of an older one is stale); {@code returned} is set by the channel's
     * return listener. Up to {@code batch} acks, and at most half the prefetch (so that the broker keeps sending while
     * they are held), may go out as one; 1: each on its own, as a consumer with a listener needs (the listener settles
     * on its own thread, out of the pump's order).
     */
    Settler(Connection connection, CopyLane copies, Channel channel, Topology topology, String queue,
            Duration confirmTimeout, AtomicLong generation, int prefetch, int batch) {
        this.run = new AckRun(channel, Math.max(1, Math.min(batch, prefetch / 2)));
        this.connection = connection;
        this.copies = copies;
        this.channel = channel;
        this.topology = topology;
        this.queue = queue;
        this.confirmTimeout = confirmTimeout;
        this.generation = generation;
        this.prefetch = prefetch;
    }

    /**
     * {@link #flush} for a closing consumer, which must not wait for a settle under way on another thread (a requeue
     * waits for its confirm): then, or if the ack fails, the broker redelivers what was held. (Nothing closes the
     * consumer while holding the lock, where {@code tryLock} would succeed.)
     */
    void flushQuietly() {
        if (!settling.tryLock()) {
            LOG.debug("Consumer of queue '{}' closes during a settle: the acks it held are not sent", queue);
            return;
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.debug("Acknowledging on closing the consumer of queue '{}' failed: {}", queue, e.toString());
        } finally {
            settling.unlock();
        }
    }

    /** The consumer takes this delivery from its buffer, to be settled before the next one is taken. */
    void taken(Receipt receipt) {
        settling.lock();
        try {
            if (receipt.generation() != generation.get()) {
                return; // from before a reconnect: nothing it could cover is unacknowledged any more
            }
            run.taken(receipt.deliveryTag(), receipt.generation());
        } catch (IOException | RuntimeException e) {
            throw held(e);
        } finally {
            settling.unlock();
        }
    }

    /**
     * Acks a handled message. With {@code more} (the consumer holds further deliveries for the same thread) the ack
     * is held back, unless the batch is full; otherwise it goes out now, covering the ones held.
     */
    void acknowledge(Message message, Receipt receipt, boolean more) {
        settling.lock();
        try {
            if (stale(receipt, message, "ack")) {
                return;
            }
            run.acknowledge(receipt.deliveryTag(), receipt.generation(), more);
        } catch (IOException | RuntimeException e) {
            throw failure("acknowledge", message, e);
        } finally {
            settling.unlock();
        }
        widen();
    }

    /**
     * Sends the acks held back, if any. Those held before a reconnect are dropped: the broker redelivers them.
     *
     * @throws ChannelFailureException if the ack cannot be sent (the broker then redelivers them)
     */
    void flush() {
        settling.lock();
        try {
            run.send(generation.get());
        } catch (IOException | RuntimeException e) {
            throw held(e);
        } finally {
            settling.unlock();
        }
    }

    private ChannelFailureException held(Exception e) {
        return new ChannelFailureException("Cannot acknowledge the messages handled on queue '" + queue
                + "' whose acks were held for their run: " + e.getMessage(), e);
    }

    /**
     * Hands a body over {@code maxBodySize} back to the broker at once, which dead-letters it into the channel's
     * dead-letter queue ({@code x-death} reason {@code rejected}): a copy with Courier's reason headers would keep it
     * in memory while later deliveries arrive, and a few of them exhaust a heap. Returns why the channel is broken if
     * the reject failed, else null.
     */
    String rejectUnread(Envelope envelope, AMQP.BasicProperties properties, int length, int maxBodySize) {
        LOG.warn("Dead-lettering message {} on queue '{}' unread: its body of {} bytes is over maxBodySize ({})",
                WireFormat.echo(properties.getMessageId()), queue, length, maxBodySize);
        try {
            // No settling lock: this runs on the client's delivery thread, which a requeue waiting on its confirm
            // must not hold up; the client serialises the frames of one channel itself.
            channel.basicReject(envelope.getDeliveryTag(), false);
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot reject a message over maxBodySize: " + e.getMessage();
        }
    }

    /**
     * After a body over the inbound limit broke the connection, every message in flight behind it came back as
     * well, and a quorum queue counted a delivery for each. Until the next acknowledgement the channel takes one
     * message at a time (the client re-applies the prefetch when it recovers the channel), so only the message at
     * fault keeps being counted towards {@code x-delivery-limit}.
     */
    void narrow() {
        narrowed = true;
        qos(1);
    }

    private void widen() {
        if (narrowed) {
            narrowed = false;
            qos(prefetch);
        }
    }

    private void qos(int count) {
        try {
            channel.basicQos(count);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Prefetch of queue '{}' recorded as {} for the recovery: {}", queue, count, e.toString());
        }
    }

    void requeue(Message message, Receipt receipt, Duration delay) {
        settling.lock();
        try {
            if (stale(receipt, message, "requeue")) {
                return;
            }
            long millis = Math.min(delay.toMillis(), Topology.MAX_DELAY_MILLIS);
            if (millis < delay.toMillis()) {
                LOG.warn("Requeue of message {} on queue '{}' waits {} ms, the longest delay there is, not {}",
                        message.id(), queue, millis, delay);
            }
            topology.declareDelay(connection, millis);
            Map<String, Object> headers = copyHeaders(receipt.properties());
            headers.keySet().removeIf(name -> name.startsWith("x-death") || name.startsWith("x-first-death")
                    || name.startsWith("x-last-death"));
            addressedHere(headers, receipt.handledCount() + 1);
            headers.putIfAbsent(WireFormat.TOPIC, message.topic());
            republish(topology.delayEntry(millis), Topology.delayKey(millis), headers, message, receipt, "requeue");
        } finally {
            settling.unlock();
        }
    }

    /**
     * Puts a copy of a redelivered message at the end of its own queue with its count of unsettled deliveries in
     * {@link WireFormat#DELIVERIES}, then acks the original: a classic queue keeps no such count itself. The copy
     * goes through the delay exit addressed to this queue alone, as a requeued copy does, so that it keeps its
     * handled count (trusted only from there). Where Courier did not bind the queue to the exit (a reply queue,
     * whose messages are never requeued; {@code VALIDATE} and {@code ASSUME}, which bind nothing) the copy goes
     * straight to the queue through the default exchange, and its handled count starts over.
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
            if (!topology.exitReaches(queue)) {
                republish("", queue, headers, message, receipt, "count the redelivery of");
                return;
            }
            addressedHere(headers, receipt.handledCount()); // the trusted count, not a producer's
            republish(topology.delayExit(), "", headers, message, receipt, "count the redelivery of");
        } finally {
            settling.unlock();
        }
    }

    /** Addresses a copy through the delay exit to this queue alone, with its handled count (trusted from there). */
    private void addressedHere(Map<String, Object> headers, int handledCount) {
        headers.remove(WireFormat.DELAY_TARGET); // else the exit would route it to every channel of the topic
        headers.put(WireFormat.RETRY_QUEUE, queue);
        headers.put(WireFormat.HANDLED_COUNT, handledCount);
    }

    void reject(Message message, Receipt receipt, DeadLetterReason reason) {
        settling.lock();
        try {
            if (stale(receipt, message, "reject")) {
                return;
            }
            Map<String, Object> headers = copyHeaders(receipt.properties());
            headers.putAll(reason.asHeaders());
            headers.putIfAbsent(WireFormat.TOPIC, message.topic()); // its routing key will be the dead-letter queue's
            republish("", Topology.deadLetterQueue(queue), headers, message, receipt, "dead-letter");
        } finally {
            settling.unlock();
        }
        LOG.info("Dead-lettered message {} on topic '{}': {}", message.id(), message.topic(), reason.reason());
    }

    /**
     * Publishes a copy with confirm on the transport's {@link CopyLane}, then acks the original; if anything fails the
     * original stays unacked.
     */
    private void republish(String exchange, String routingKey, Map<String, Object> headers, Message message,
            Receipt receipt, String action) {
        try {
            copies.copy(exchange, routingKey, WireFormat.withHeaders(receipt.properties(), headers), message.body().unsafeBytes(),
                    confirmTimeout);
            channel.basicAck(receipt.deliveryTag(), false);
            run.settled(receipt.deliveryTag());
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
