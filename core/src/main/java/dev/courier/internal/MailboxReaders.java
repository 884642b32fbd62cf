package dev.courier.internal;

import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that read a mailbox service's channel and hand each message to its {@link MailboxDelivery}. A channel
 * that cannot be opened or read just now (the broker restarting) is tried again every second.
 */
public final class MailboxReaders {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxReaders.class);

    private final String service;
    private final Transport transport;
    private final ChannelSpec channel;
    private final MailboxDelivery delivery;
    private final List<Thread> threads = new ArrayList<>();
    private final List<MessageConsumer> consumers = new ArrayList<>();
    private volatile boolean running;

    public MailboxReaders(String service, Transport transport, ChannelSpec channel, MailboxDelivery delivery) {
        this.service = service;
        this.transport = transport;
        this.channel = channel;
        this.delivery = delivery;
    }

    /** Opens {@code count} consumers (declaring the channel) and starts a thread for each. */
    public synchronized void start(int count) {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < count; i++) {
            MessageConsumer first;
            try {
                first = open();
            } catch (RuntimeException e) {
                LOG.warn("Mailbox '{}' cannot open its channel yet; retrying in 1 s: {}", service, e.toString());
                first = null;
            }
            MessageConsumer consumer = first;
            Thread thread = new Thread(() -> read(consumer), "courier-mailbox-" + service + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private MessageConsumer open() {
        MessageConsumer consumer = transport.createConsumer(channel);
        synchronized (consumers) {
            if (!running) { // stopped while this was opening: nothing may keep messages from the next start
                consumer.close();
                return null;
            }
            consumers.add(consumer);
        }
        return consumer;
    }

    private void read(MessageConsumer first) {
        MessageConsumer consumer = first;
        try {
            while (running) {
                try {
                    if (consumer == null) {
                        consumer = open();
                        continue;
                    }
                    Message message = consumer.receive(Duration.ofMillis(250));
                    if (message != null) {
                        delivery.deliver(message, consumer);
                    }
                } catch (RuntimeException e) {
                    if (running) {
                        LOG.warn("Mailbox '{}' cannot read its channel; retrying in 1 s: {}", service, e.toString());
                        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                    }
                }
            }
        } finally {
            if (consumer != null) {
                consumer.close(); // a consumer may be closed twice (stop closes them all too)
            }
        }
    }

    /** Stops the threads (each within 5 s) and closes the consumers; what was not received stays with the broker. */
    public synchronized void stop() {
        synchronized (consumers) {
            running = false;
        }
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        synchronized (consumers) {
            consumers.forEach(MessageConsumer::close);
            consumers.clear();
        }
    }
}
