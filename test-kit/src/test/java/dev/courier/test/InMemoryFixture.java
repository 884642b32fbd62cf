package dev.courier.test;

import dev.courier.test.contract.TransportFixture;
import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.Transport;
import dev.courier.transport.inmemory.DeadLetter;
import dev.courier.transport.inmemory.InMemoryBroker;
import dev.courier.transport.inmemory.InMemoryTransport;
import dev.courier.transport.inmemory.ManualClock;
import dev.courier.spi.MessageProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** A {@link TransportFixture} over a fresh {@link InMemoryBroker} on a {@link ManualClock}. */
public final class InMemoryFixture implements TransportFixture {
    private final ManualClock clock = new ManualClock();
    private final InMemoryBroker broker = InMemoryBroker.builder().clock(clock).build();
    private final InMemoryTransport transport = InMemoryTransport.over(broker);
    private final MessageProducer producer = transport.producer();

    public InMemoryBroker broker() {
        return broker;
    }

    @Override
    public MessageProducer producer() {
        return producer;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public List<Message> deadLetters(ChannelSpec channel) {
        return broker.deadLetters(channel.channel()).stream().map(DeadLetter::message).toList();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void passTime(Duration duration) {
        clock.advance(duration);
    }

    @Override
    public String uniqueTopic(String base) {
        return base + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
