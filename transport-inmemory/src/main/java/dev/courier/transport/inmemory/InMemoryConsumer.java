package dev.courier.transport.inmemory;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.transport.inmemory.internal.ChannelQueue;
import dev.courier.transport.inmemory.internal.Reader;
import dev.courier.transport.inmemory.internal.Receipt;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Reads one channel of an {@link InMemoryBroker} for one message pump. It takes up to {@value #BATCH} due messages
 * at a time (within the prefetch) and hands them out one by one, as a broker client does with prefetched deliveries;
 * like those, they count as unsettled on this consumer and go back to the channel when it closes. Receive, settle
 * and close from one thread, as a pump does.
 */
final class InMemoryConsumer implements MessageConsumer {
    static final int BATCH = 16;

    private final ChannelQueue channel;
    private final Reader reader;
    /** Taken but not yet handed out; used by the one thread that receives (and closes). */
    private final ArrayDeque<Message> taken = new ArrayDeque<>();

    InMemoryConsumer(ChannelQueue channel, int prefetch) {
        this.channel = channel;
        this.reader = channel.openReader(prefetch);
    }

    @Override
    public Message receive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Message next = taken.pollFirst();
        return next != null ? next : channel.take(reader, timeout, taken, BATCH);
    }

    @Override
    public void acknowledge(Message message) {
        channel.acknowledge(reader, receiptOf(message));
    }

    @Override
    public void requeue(Message message, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("requeue delay must not be negative but was " + delay
                    + " (message " + message.id() + ")");
        }
        channel.requeue(reader, receiptOf(message), delay);
    }

    @Override
    public void reject(Message message, DeadLetterReason reason) {
        Objects.requireNonNull(reason, "reason");
        channel.reject(reader, receiptOf(message), reason);
    }

    @Override
    public void close() {
        taken.clear(); // still unsettled on the reader: closing it returns them to the channel, in order
        channel.close(reader);
    }

    private Receipt receiptOf(Message message) {
        Objects.requireNonNull(message, "message");
        if (!(message.receipt() instanceof Receipt receipt) || receipt.channel() != channel) {
            throw new InMemoryBrokerException("Message " + message.id() + " of topic '" + message.topic()
                    + "' was not received from channel '" + channel.name() + "' (receipt " + message.receipt() + ")");
        }
        return receipt;
    }

    @Override
    public String toString() {
        return "InMemoryConsumer[" + channel.name() + "]";
    }
}
