package dev.courier.transport.inmemory;

import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterQueue;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.Transport;
import dev.courier.spi.MessageProducer;
import java.util.Objects;

/**
 * The {@link Transport} over an {@link InMemoryBroker}: its {@link #producer()} sends to the broker, and its
 * consumers read the broker's channels, each created on first use. Closing it does nothing: the broker lives on.
 *
 * <pre>{@code
 * InMemoryTransport transport = InMemoryTransport.create();
 * MessageProducer producer = transport.producer();
 * MessageConsumer consumer = transport.createConsumer(new ChannelSpec("task.reminder", "task.reminder", 20));
 * }</pre>
 */
public final class InMemoryTransport implements Transport {
    private final InMemoryBroker broker;

    private InMemoryTransport(InMemoryBroker broker) {
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    /** A transport over {@code broker}: share one broker between the sending and the consuming side. */
    public static InMemoryTransport over(InMemoryBroker broker) {
        return new InMemoryTransport(broker);
    }

    /** A transport over a new broker on the system clock. */
    public static InMemoryTransport create() {
        return new InMemoryTransport(InMemoryBroker.create());
    }

    public InMemoryBroker broker() {
        return broker;
    }

    /** The broker's dead letters, for an operator's tools ({@link InMemoryBroker#deadLetterQueue()}). */
    public DeadLetterQueue deadLetterQueue() {
        return broker.deadLetterQueue();
    }

    /** A new producer; closing it does not affect the broker or other producers. */
    @Override
    public MessageProducer producer() {
        return new InMemoryProducer(broker);
    }

    /** A consumer of the channel (made and subscribed to its topic if new), honouring its prefetch. */
    @Override
    public MessageConsumer createConsumer(ChannelSpec channel) {
        Objects.requireNonNull(channel, "channel");
        return new InMemoryConsumer(broker.channel(channel.topic(), channel.channel()), channel.prefetch());
    }

    @Override
    public String toString() {
        return "InMemoryTransport";
    }
}
