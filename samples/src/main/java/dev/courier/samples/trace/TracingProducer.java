package dev.courier.samples.trace;

import dev.courier.message.Message;
import dev.courier.spi.MessageProducer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** A {@link MessageProducer} that reports each send and its confirmation to a {@link Trace}. */
public final class TracingProducer implements MessageProducer {
    private final MessageProducer delegate;
    private final Trace trace;

    public TracingProducer(MessageProducer delegate, Trace trace) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.trace = Objects.requireNonNull(trace, "trace");
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        return delegate.send(message).whenComplete((ok, failure) -> report(message, failure));
    }

    @Override
    public CompletableFuture<Void> sendBatch(List<Message> messages) {
        return delegate.sendBatch(messages).whenComplete((ok, failure) -> messages.forEach(m -> report(m, failure)));
    }

    private void report(Message message, Throwable failure) {
        trace.event(message, failure == null ? "sent to topic '" + message.topic() + "'; the broker confirmed it"
                : "send failed (it stays in the outbox): " + failure.getMessage());
    }

    @Override
    public void close() {
        delegate.close();
    }
}
