package dev.courier.transport.inmemory;

import dev.courier.CourierException;
import dev.courier.ProducerException;
import dev.courier.message.Message;
import dev.courier.spi.MessageProducer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Sends to an {@link InMemoryBroker}; a send is confirmed as soon as every recipient channel holds its copy. */
final class InMemoryProducer implements MessageProducer {
    private final InMemoryBroker broker;
    private volatile boolean closed;

    InMemoryProducer(InMemoryBroker broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return CompletableFuture.failedFuture(new ProducerException("Producer is closed; message "
                    + message.id() + " to topic '" + message.topic() + "' was not sent"));
        }
        try {
            broker.publish(message);
            return CompletableFuture.completedFuture(null);
        } catch (CourierException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
