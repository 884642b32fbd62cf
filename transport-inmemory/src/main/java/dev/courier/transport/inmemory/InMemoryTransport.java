package dev.courier.transport.inmemory;

import dev.courier.Subscription;
import dev.courier.spi.ChannelFactory;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import java.util.Objects;

/**
 * The transport over an {@link InMemoryBroker}: its {@link #producer()} sends to the broker, and as a
 * {@link ChannelFactory} it makes consumers, creating each subscription's channel on first use.
 *
 * <pre>{@code
 * InMemoryTransport transport = InMemoryTransport.create();
 * MessageProducer producer = transport.producer();
 * MessageConsumer consumer = transport.createConsumer(subscription);
 * }</pre>
 */
public final class InMemoryTransport implements ChannelFactory {
    private final InMemoryBroker broker;

    public InMemoryTransport(InMemoryBroker broker) {
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    /** A transport over a new broker on the system clock. */
    public static InMemoryTransport create() {
        return new InMemoryTransport(InMemoryBroker.create());
    }

    public InMemoryBroker broker() {
        return broker;
    }

    /** A new producer; closing it does not affect the broker or other producers. */
    public MessageProducer producer() {
        return new InMemoryProducer(broker);
    }

    /** A consumer of the subscription's channel (made and subscribed to its topic if new), honouring its prefetch. */
    @Override
    public MessageConsumer createConsumer(Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        return new InMemoryConsumer(broker.channel(subscription.topic(), subscription.channel()),
                subscription.prefetch());
    }

    @Override
    public String toString() {
        return "InMemoryTransport";
    }
}
