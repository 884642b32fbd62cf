package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one confirm-mode channel, on the transport's publishing connection, that every consumer's requeue and
 * dead-letter copies go out on. Never on the consuming connection: when the broker blocks publishers (a memory or
 * disk alarm) it stops reading a blocked connection altogether, acks included. Opened when the transport connects:
 * opening a channel is itself an exchange the broker does not answer on a blocked connection. Copies go out one at
 * a time (each waits for its confirm), which the channel's confirms and return flag need. A copy whose confirm did
 * not come in time leaves it outstanding on the channel; the next copy waits for it before publishing, so that its
 * late nack or return is never taken for the next copy's (the broker sends a copy's return before its confirm).
 */
final class CopyLane {
    private final Connection publishing;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean returned = new AtomicBoolean();
    private Channel channel;
    /** The last copy's confirm did not come in time: it is still outstanding on {@link #channel}. */
    private boolean outstanding;

    CopyLane(Connection publishing) throws IOException {
        this.publishing = publishing;
        this.channel = open();
    }

    private Channel open() throws IOException {
        Channel opened = publishing.createChannel();
        opened.confirmSelect();
        opened.addReturnListener(r -> returned.set(true));
        return opened;
    }

    /**
     * Publishes a copy to {@code exchange} with {@code routingKey} and waits up to {@code timeout} for the
     * broker to take it.
     *
     * @throws IOException when the broker refused it, returned it (no such queue), or the channel is gone
     * @throws TimeoutException when no confirm came in time (a blocked connection: the copy may still arrive later)
     */
    void copy(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        lock.lock();
        try {
            if (!channel.isOpen()) {
                channel = open();
                outstanding = false;
            }
            if (outstanding) {
                // Whatever became of the earlier copy (ack, nack, return) is its own: its original stayed unacked.
                confirmed(timeout, "an earlier copy on this lane is still unconfirmed after " + timeout.toMillis()
                        + " ms (is the broker blocking publishers?); this copy was not published");
                outstanding = false;
            }
            returned.set(false);
            channel.basicPublish(exchange, routingKey, true, properties, body);
            outstanding = true;
            boolean acked = confirmed(timeout, "no confirm of the copy within " + timeout.toMillis()
                    + " ms (is the broker blocking publishers?); it may still arrive");
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

    /** Waits for every confirm outstanding on the channel: true when all were acks, false when any was a nack. */
    private boolean confirmed(Duration timeout, String timedOut) throws InterruptedException, TimeoutException {
        try {
            return channel.waitForConfirms(timeout.toMillis());
        } catch (TimeoutException e) {
            TimeoutException clear = new TimeoutException(timedOut);
            clear.initCause(e);
            throw clear;
        }
    }
}
