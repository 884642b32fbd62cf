package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one confirm-mode channel, on the transport's publishing connection, that every consumer's requeue and
 * dead-letter copies go out on. Never on the consuming connection: when the broker blocks publishers (a memory or
 * disk alarm) it stops reading a blocked connection altogether, acks included. Opened when the transport connects:
 * opening a channel is itself an exchange the broker does not answer on a blocked connection. Copies go out one at
 * a time (each waits for its confirm), which the channel's confirms and return flag need.
 *
 * <p>A copy whose confirm did not come in time leaves it outstanding on the channel. The next copy first waits for
 * it, so that its late nack or return is never taken for the next copy's (the broker sends a copy's return before
 * its confirm). If it still does not come: while the broker blocks the connection the next copy is not published
 * (a blocked broker gets no pile of copies); otherwise the channel is given up and the next copy goes out on a new
 * one. A copy whose time went on waiting for the earlier one is not published either.
 */
final class CopyLane {
    private final Connection publishing;
    /** Why the broker blocks {@link #publishing} just now, or null. */
    private final Supplier<String> blocked;
    private final ReentrantLock lock = new ReentrantLock();
    private Channel channel;
    /** Set by {@link #channel}'s own return listener: a channel given up can never set a later channel's flag. */
    private AtomicBoolean returned;
    /** The last copy's confirm did not come in time: it is still outstanding on {@link #channel}. */
    private boolean outstanding;

    CopyLane(Connection publishing, Supplier<String> blocked) throws IOException {
        this.publishing = publishing;
        this.blocked = blocked;
        replace();
    }

    /**
     * Publishes a copy to {@code exchange} with {@code routingKey} and waits up to {@code timeout} in all for the
     * broker to take it (and for an earlier copy's confirm first, see above).
     *
     * @throws IOException when the broker refused it, returned it (no such queue), or the channel is gone
     * @throws TimeoutException when no confirm came in time (a blocked connection: the copy may still arrive later),
     *     or, without publishing this copy, when waiting for an earlier copy's confirm took its time
     */
    void copy(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            if (!channel.isOpen()) {
                replace();
            }
            if (outstanding) {
                // Whatever became of the earlier copy (ack, nack, return) is its own: its original stayed unacked.
                try {
                    confirmed(deadline);
                } catch (TimeoutException e) {
                    String why = blocked.get();
                    if (why != null) {
                        throw new TimeoutException("an earlier copy is still unconfirmed after " + timeout.toMillis()
                                + " ms and " + why + "; this copy was not published");
                    }
                    abandon(channel); // not blocked, yet no confirm: the channel is stuck; its copy may still arrive
                    replace();
                }
                outstanding = false;
                if (System.nanoTime() >= deadline) {
                    // Published now, it could not be confirmed in time, yet would likely arrive: a duplicate.
                    throw new TimeoutException("an earlier copy took the whole " + timeout.toMillis()
                            + " ms without a confirm; this copy was not published");
                }
            }
            returned.set(false);
            channel.basicPublish(exchange, routingKey, true, properties, body);
            outstanding = true;
            boolean acked;
            try {
                acked = confirmed(deadline);
            } catch (TimeoutException e) {
                TimeoutException clear = new TimeoutException("no confirm of the copy within " + timeout.toMillis()
                        + " ms (is the broker blocking publishers?); it may still arrive");
                clear.initCause(e);
                throw clear;
            }
            outstanding = false;
            if (!acked) {
                throw new IOException("the broker refused the copy (nack)");
            }
            if (returned.get()) {
                throw new IOException("nothing takes it at exchange '" + exchange + "' with routing key '" + routingKey
                        + "' (returned unroutable; queue deleted?)");
            }
        } finally {
            lock.unlock();
        }
    }

    private void replace() throws IOException {
        Channel opened = publishing.createChannel();
        opened.confirmSelect();
        AtomicBoolean flag = new AtomicBoolean();
        opened.addReturnListener(r -> flag.set(true));
        channel = opened;
        returned = flag;
        outstanding = false;
    }

    /**
     * Waits until {@code deadline} (at least 1 ms) for every confirm outstanding on the channel: true when all were
     * acks, false when any was a nack.
     */
    private boolean confirmed(long deadline) throws InterruptedException, TimeoutException {
        return channel.waitForConfirms(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }

    /** Closes a channel given up on a thread of its own: the broker may be slow to answer its close. */
    private static void abandon(Channel channel) {
        Thread closing = new Thread(() -> {
            try {
                channel.abort();
            } catch (IOException | RuntimeException e) {
                // gone already
            }
        }, "courier-rabbitmq-copy-lane-close");
        closing.setDaemon(true);
        closing.start();
    }
}
