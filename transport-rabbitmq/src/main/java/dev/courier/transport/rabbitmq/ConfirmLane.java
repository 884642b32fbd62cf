package dev.courier.transport.rabbitmq;

import static dev.courier.transport.rabbitmq.PendingConfirm.failure;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import dev.courier.message.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One confirm-mode channel of a {@link RabbitMqProducer}, with the messages published on it that wait for their
 * confirms. Publishing takes the lane's lock (an AMQP channel is not thread-safe); confirms, returns and a lost
 * channel are handled on the client's connection thread.
 */
final class ConfirmLane {
    /** The producer's log category, as before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqProducer.class);

    final Channel channel;
    final ConcurrentNavigableMap<Long, PendingConfirm> pending = new ConcurrentSkipListMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Semaphore window;
    /** The topics' exchange, which an unroutable message's error names (also when it went to the delay exchange). */
    private final String topicExchange;
    private final Duration confirmTimeout;
    /** While the connection recovers; guarded by {@link #lock}. */
    private boolean paused;

    /**
     * Puts {@code channel} in confirm mode and listens to it. {@code window} is the producer's confirm window,
     * shared by its lanes; {@code confirmTimeout} is how long a confirm may take.
     */
    ConfirmLane(Channel channel, Semaphore window, String topicExchange, Duration confirmTimeout) throws IOException {
        this.channel = channel;
        this.window = window;
        this.topicExchange = topicExchange;
        this.confirmTimeout = confirmTimeout;
        channel.confirmSelect();
        channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, false),
                (tag, multiple) -> settle(tag, multiple, true));
        channel.addReturnListener(this::returned);
        channel.addShutdownListener(this::lost);
    }

    /** Publishes with a window slot already taken, which the returned future's entry releases. */
    CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties properties,
            Message message) {
        PendingConfirm entry;
        lock.lock();
        try {
            long seq = channel.getNextPublishSeqNo();
            if (paused || seq == 0) { // 0: a recovered channel not yet back in confirm mode
                window.release();
                return CompletableFuture.failedFuture(failure("the connection is being recovered (RabbitMQ "
                        + "unreachable or a node going away); the outbox sends it again", message, null));
            }
            entry = new PendingConfirm(seq, message, window, topicExchange);
            pending.put(entry.seq, entry);
            try {
                channel.basicPublish(exchange, routingKey, true, properties, message.body().unsafeBytes());
            } catch (IOException | RuntimeException e) {
                pending.remove(entry.seq, entry);
                entry.fail(failure("the channel is not open (RabbitMQ unreachable?)", message, e));
            }
        } finally {
            lock.unlock();
        }
        return entry.future;
    }

    /**
     * Stops publishing ({@code true}: the connection's recovery starts) or publishes again ({@code false}: the
     * connection, its channels and its topology are recovered). The client swaps a recovered channel in before it
     * puts it back in confirm mode, and resets its publish sequence numbers outside the channel's lock; a publish in
     * between is numbered by the client but not by the broker, and every confirm after it would then settle the wrong
     * entry (each send on this lane timing out, for good).
     */
    void paused(boolean value) {
        lock.lock();
        try {
            paused = value;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pauses the lanes in {@code lanes} from the start of each recovery of {@code connection} to its end; the list is
     * read at each recovery, so lanes opened later are paused too.
     */
    static RecoveryListener pauseWhileRecovering(Recoverable connection, List<ConfirmLane> lanes) {
        RecoveryListener listener = new RecoveryListener() {
            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                lanes.forEach(lane -> lane.paused(true));
            }

            @Override
            public void handleRecovery(Recoverable recoverable) {
                lanes.forEach(lane -> lane.paused(false));
            }
        };
        connection.addRecoveryListener(listener);
        return listener;
    }

    /** Fails the entries sent at least the confirm timeout before {@code now} (a {@link System#nanoTime()}). */
    void expire(long now) {
        for (PendingConfirm entry : pending.values()) {
            if (now - entry.sentAt < confirmTimeout.toNanos()) {
                return;
            }
            if (pending.remove(entry.seq, entry)) {
                entry.fail(failure("no confirm within " + confirmTimeout, entry.message, null));
            }
        }
    }

    private void settle(long seq, boolean multiple, boolean nack) {
        Map<Long, PendingConfirm> settled = multiple ? pending.headMap(seq, true) : null;
        if (settled == null) {
            PendingConfirm entry = pending.remove(seq);
            if (entry != null) {
                entry.settle(nack);
            }
            return;
        }
        for (Long key : settled.keySet()) {
            PendingConfirm entry = pending.remove(key);
            if (entry != null) {
                entry.settle(nack);
            }
        }
    }

    /** A return comes before the ack of the same message: mark the oldest matching entry still unmarked. */
    private void returned(Return r) {
        String id = r.getProperties().getMessageId();
        for (PendingConfirm entry : pending.values()) {
            if (entry.returnText == null && entry.message.id().toString().equals(id)
                    && entry.message.topic().equals(r.getRoutingKey())) {
                entry.returnText = r.getReplyCode() + " " + r.getReplyText();
                LOG.warn("Message {} on topic '{}' was returned unroutable by exchange '{}'", id,
                        r.getRoutingKey(), r.getExchange());
                return;
            }
        }
    }

    void lost(ShutdownSignalException cause) {
        if (pending.isEmpty()) {
            return;
        }
        LOG.warn("Publishing channel closed with {} messages unconfirmed: {}", pending.size(),
                cause.getMessage());
        for (Long key : pending.keySet()) {
            PendingConfirm entry = pending.remove(key);
            if (entry != null) {
                entry.fail(failure("the connection was lost before the broker confirmed it (it may or may not "
                        + "have arrived)", entry.message, cause));
            }
        }
    }

    /** Waits until nothing published here waits for a confirm, the channel closes, or {@code deadline}. */
    void awaitConfirms(long deadline) {
        while (!pending.isEmpty() && System.nanoTime() < deadline && channel.isOpen()) {
            try {
                channel.waitForConfirms(100);
            } catch (TimeoutException e) {
                // keep waiting until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                return;
            }
        }
    }
}
