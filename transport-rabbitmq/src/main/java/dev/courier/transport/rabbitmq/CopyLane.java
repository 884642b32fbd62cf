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
 * a time (each waits for its confirm), which the channel's confirms and return flag need.
 */
final class CopyLane {
    private final Connection publishing;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean returned = new AtomicBoolean();
    private Channel channel;

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
            }
            returned.set(false);
            channel.basicPublish(exchange, routingKey, true, properties, body);
            if (!channel.waitForConfirms(timeout.toMillis())) {
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
}
