package dev.courier.transport.inmemory;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.transport.inmemory.internal.ChannelQueue;
import dev.courier.transport.inmemory.internal.Receipt;
import java.time.Duration;
import java.util.Objects;

/** Reads one channel of an {@link InMemoryBroker} for one message pump. */
final class InMemoryConsumer implements MessageConsumer {
    private final ChannelQueue channel;
    private final ChannelQueue.Reader reader;

    InMemoryConsumer(ChannelQueue channel, int prefetch) {
        this.channel = channel;
        this.reader = channel.openReader(prefetch);
    }

    @Override
    public Message receive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return channel.take(reader, timeout);
    }

    @Override
    public void acknowledge(Message message) {
        channel.acknowledge(reader, tagOf(message));
    }

    @Override
    public void requeue(Message message, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("requeue delay must not be negative but was " + delay
                    + " (message " + message.id() + ")");
        }
        channel.requeue(reader, tagOf(message), delay);
    }

    @Override
    public void reject(Message message, DeadLetterReason reason) {
        Objects.requireNonNull(reason, "reason");
        channel.reject(reader, tagOf(message), reason);
    }

    @Override
    public void close() {
        channel.close(reader);
    }

    private long tagOf(Message message) {
        Objects.requireNonNull(message, "message");
        if (!(message.receipt() instanceof Receipt receipt) || receipt.channel() != channel) {
            throw new InMemoryBrokerException("Message " + message.id() + " of topic '" + message.topic()
                    + "' was not received from channel '" + channel.name() + "' (receipt " + message.receipt() + ")");
        }
        return receipt.tag();
    }

    @Override
    public String toString() {
        return "InMemoryConsumer[" + channel.name() + "]";
    }
}
