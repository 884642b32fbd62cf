package dev.courier.samples.trace;

import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Transport;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import java.time.Duration;
import java.util.Objects;

/** A {@link Transport} whose consumers report what they receive and how each message is settled. */
public final class TracingTransport implements Transport {
    private final Transport delegate;
    private final Trace trace;

    public TracingTransport(Transport delegate, Trace trace) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.trace = Objects.requireNonNull(trace, "trace");
    }

    /** The delegate's producer, untraced: {@link TracingProducer} traces what the processor sends. */
    @Override
    public MessageProducer producer() {
        return delegate.producer();
    }

    @Override
    public MessageConsumer createConsumer(ChannelSpec channel) {
        return new Consumer(delegate.createConsumer(channel), trace);
    }

    private record Consumer(MessageConsumer delegate, Trace trace) implements MessageConsumer {
        @Override
        public Message receive(Duration timeout) {
            Message message = delegate.receive(timeout);
            if (message != null) {
                int handled = message.header().handledCount();
                trace.event(message, "received by a pump" + (handled == 0 ? "" : " (failed handlings so far: " + handled + ")"));
            }
            return message;
        }

        @Override
        public void acknowledge(Message message) {
            delegate.acknowledge(message);
            trace.event(message, "acknowledged: done");
        }

        @Override
        public void requeue(Message message, Duration delay) {
            delegate.requeue(message, delay);
            trace.event(message, "handling failed; requeued, back in " + delay.toMillis() + " ms");
        }

        @Override
        public void reject(Message message, DeadLetterReason reason) {
            delegate.reject(message, reason);
            trace.event(message, "DEAD-LETTERED (" + reason.reason() + ") after " + reason.attempts() + " handlings");
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
