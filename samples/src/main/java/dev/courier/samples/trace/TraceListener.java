package dev.courier.samples.trace;

import dev.courier.CourierListener;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link CourierListener} that prints each step of each message's life to a {@link Trace}: registered on the API's
 * processor and sweeper and on the consumer's processor, it sees the whole journey without wrapping any part.
 */
public final class TraceListener implements CourierListener {
    private final Trace trace;

    public TraceListener(Trace trace) {
        this.trace = Objects.requireNonNull(trace, "trace");
    }

    @Override
    public void deposited(Message message) {
        trace.event(message, "posted: stored in the outbox, in the transaction that writes the task's row");
    }

    @Override
    public void dispatched(Message message) {
        trace.event(message, "sent to topic '" + message.topic() + "'; the broker confirmed it; marked dispatched");
    }

    @Override
    public void notDispatched(Message message, Throwable cause) {
        trace.event(message, "send failed (it stays in the outbox for the sweeper): " + cause.getMessage());
    }

    @Override
    public void received(String channel, Message message) {
        int handled = message.header().handledCount();
        trace.event(message, "received by a pump of '" + channel + "'"
                + (handled == 0 ? "" : " (failed handlings so far: " + handled + ")"));
    }

    @Override
    public void acknowledged(String channel, Message message) {
        trace.event(message, "acknowledged: done");
    }

    @Override
    public void requeued(String channel, Message message, Duration delay, int attempts) {
        trace.event(message, "handling failed; requeued, back in " + delay.toMillis() + " ms");
    }

    @Override
    public void deadLettered(String channel, Message message, DeadLetterReason reason) {
        trace.event(message, "DEAD-LETTERED (" + reason.reason() + ") after " + reason.attempts() + " handlings");
    }

    @Override
    public void swept(int sent, int failed) {
        if (sent + failed > 0) {
            trace.note("outbox sweeper: " + sent + " sent, " + failed + " failed");
        }
    }
}
