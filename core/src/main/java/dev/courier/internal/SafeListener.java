package dev.courier.internal;

import dev.courier.CourierListener;
import dev.courier.Request;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls an application's {@link CourierListener}s, each in the order registered; what one throws is logged, never
 * passed on to message handling nor keeps the next from being told.
 */
public final class SafeListener implements CourierListener {
    private static final Logger LOG = LoggerFactory.getLogger(CourierListener.class);

    private final CourierListener[] delegates;

    private SafeListener(List<CourierListener> delegates) {
        this.delegates = delegates.toArray(CourierListener[]::new);
    }

    /** {@code listener} made safe to call; {@link CourierListener#NONE} stays itself (nothing to guard). */
    public static CourierListener of(CourierListener listener) {
        return listener == null ? NONE : of(List.of(listener));
    }

    /** The listeners, each made safe to call, as one; none (or only {@link CourierListener#NONE}) is NONE. */
    public static CourierListener of(List<CourierListener> listeners) {
        List<CourierListener> told = listeners.stream().filter(l -> l != NONE).toList();
        if (told.isEmpty()) {
            return NONE;
        }
        return told.size() == 1 && told.get(0) instanceof SafeListener safe ? safe : new SafeListener(told);
    }

    /** Tells every delegate, in order; what one throws is logged and the next is told all the same. */
    private void each(String method, Consumer<CourierListener> call) {
        for (CourierListener delegate : delegates) {
            try {
                call.accept(delegate);
            } catch (RuntimeException e) {
                LOG.warn("CourierListener {}.{} threw; ignored: {}", delegate.getClass().getName(), method,
                        e.toString());
            }
        }
    }

    @Override
    public void handledInProcess(Request request, long nanos, Throwable failure) {
        each("handledInProcess", d -> d.handledInProcess(request, nanos, failure));
    }

    @Override
    public void deposited(Message message) {
        each("deposited", d -> d.deposited(message));
    }

    @Override
    public void sending(Message message) {
        each("sending", d -> d.sending(message));
    }

    @Override
    public void dispatched(Message message) {
        each("dispatched", d -> d.dispatched(message));
    }

    @Override
    public void notDispatched(Message message, Throwable cause) {
        each("notDispatched", d -> d.notDispatched(message, cause));
    }

    @Override
    public void received(String channel, Message message) {
        each("received", d -> d.received(channel, message));
    }

    @Override
    public void unacceptable(String channel, Message message, Throwable cause) {
        each("unacceptable", d -> d.unacceptable(channel, message, cause));
    }

    @Override
    public void handled(String channel, Message message, long nanos, Throwable failure) {
        each("handled", d -> d.handled(channel, message, nanos, failure));
    }

    @Override
    public void acknowledged(String channel, Message message) {
        each("acknowledged", d -> d.acknowledged(channel, message));
    }

    @Override
    public void requeued(String channel, Message message, Duration delay, int attempts) {
        each("requeued", d -> d.requeued(channel, message, delay, attempts));
    }

    @Override
    public void deadLettered(String channel, Message message, DeadLetterReason reason) {
        each("deadLettered", d -> d.deadLettered(channel, message, reason));
    }

    @Override
    public void channelFailing(String channel, String reason) {
        each("channelFailing", d -> d.channelFailing(channel, reason));
    }

    @Override
    public void channelRecovered(String channel) {
        each("channelRecovered", d -> d.channelRecovered(channel));
    }

    @Override
    public void channelPaused(String channel, String reason) {
        each("channelPaused", d -> d.channelPaused(channel, reason));
    }

    @Override
    public void replyMatched(Message reply) {
        each("replyMatched", d -> d.replyMatched(reply));
    }

    @Override
    public void replyDropped(Message reply) {
        each("replyDropped", d -> d.replyDropped(reply));
    }

    @Override
    public void swept(int sent, int failed) {
        each("swept", d -> d.swept(sent, failed));
    }
}
