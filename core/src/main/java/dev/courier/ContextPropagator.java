package dev.courier;

import dev.courier.message.Message;
import java.util.Map;

/**
 * Carries the poster's context (a trace, baggage) to the handler in another process: {@link #capture} runs on
 * the posting thread when a message is made, and what it returns goes into the message's header bag, so it is
 * stored with the outbox row and sent as headers (on RabbitMQ, AMQP headers of the same names: W3C
 * {@code traceparent}, {@code tracestate}, {@code baggage}), even when the sweeper sends the message much later.
 * {@link #restore} runs on the pump thread around the handling of a received message. Register one with
 * {@code CommandProcessor.builder().contextPropagator(...)}; a Dispatcher built on that processor restores with it.
 * The default, {@link #NONE}, carries nothing. A tracing library's binding implements it (capture the current
 * span's W3C headers; restore: start a consumer span whose parent they name, and end it in {@link Scope#close()}).
 */
public interface ContextPropagator {
    /** Carries nothing. */
    ContextPropagator NONE = new ContextPropagator() {
        @Override
        public Map<String, String> capture(Message message) {
            return Map.of();
        }

        @Override
        public Scope restore(Map<String, String> headers) {
            return Scope.NOOP;
        }
    };

    /**
     * The headers that carry the caller's context now into {@code message}, which is being posted (its topic, id and
     * header are final; its bag gets what this returns); empty when there is none. Names
     * must not start with {@code courier-} or {@code x-} (Courier's own and the broker's); entries the message
     * already has are kept.
     */
    Map<String, String> capture(Message message);

    /**
     * Makes the context carried by {@code headers} (a received message's header bag) current on this thread, for
     * the handling that follows; the returned scope is closed when the handling and its settlement are done.
     */
    Scope restore(Map<String, String> headers);

    /** Ends a restored context. */
    interface Scope extends AutoCloseable {
        /** A scope that ends nothing. */
        Scope NOOP = () -> {};

        @Override
        void close();
    }
}
