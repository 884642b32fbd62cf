package dev.courier.internal;

import dev.courier.CourierListener;
import dev.courier.Request;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls an application's {@link CourierListener}; what it throws is logged, never passed on to message handling. */
public final class SafeListener implements CourierListener {
    private static final Logger LOG = LoggerFactory.getLogger(CourierListener.class);

    private final CourierListener delegate;

    private SafeListener(CourierListener delegate) {
        this.delegate = delegate;
    }

    /** {@code listener} made safe to call; {@link CourierListener#NONE} stays itself (nothing to guard). */
    public static CourierListener of(CourierListener listener) {
        if (listener == null) {
            return NONE;
        }
        return listener == NONE || listener instanceof SafeListener ? listener : new SafeListener(listener);
    }

    private void failed(String method, RuntimeException e) {
        LOG.warn("CourierListener {}.{} threw; ignored: {}", delegate.getClass().getName(), method, e.toString());
    }

    @Override
    public void handledInProcess(Request request, long nanos, Throwable failure) {
        try {
            delegate.handledInProcess(request, nanos, failure);
        } catch (RuntimeException e) {
            failed("handledInProcess", e);
        }
    }

    @Override
    public void deposited(Message message) {
        try {
            delegate.deposited(message);
        } catch (RuntimeException e) {
            failed("deposited", e);
        }
    }

    @Override
    public void dispatched(Message message) {
        try {
            delegate.dispatched(message);
        } catch (RuntimeException e) {
            failed("dispatched", e);
        }
    }

    @Override
    public void notDispatched(Message message, Throwable cause) {
        try {
            delegate.notDispatched(message, cause);
        } catch (RuntimeException e) {
            failed("notDispatched", e);
        }
    }

    @Override
    public void received(String channel, Message message) {
        try {
            delegate.received(channel, message);
        } catch (RuntimeException e) {
            failed("received", e);
        }
    }

    @Override
    public void unacceptable(String channel, Message message, Throwable cause) {
        try {
            delegate.unacceptable(channel, message, cause);
        } catch (RuntimeException e) {
            failed("unacceptable", e);
        }
    }

    @Override
    public void handled(String channel, Message message, long nanos, Throwable failure) {
        try {
            delegate.handled(channel, message, nanos, failure);
        } catch (RuntimeException e) {
            failed("handled", e);
        }
    }

    @Override
    public void acknowledged(String channel, Message message) {
        try {
            delegate.acknowledged(channel, message);
        } catch (RuntimeException e) {
            failed("acknowledged", e);
        }
    }

    @Override
    public void requeued(String channel, Message message, Duration delay, int attempts) {
        try {
            delegate.requeued(channel, message, delay, attempts);
        } catch (RuntimeException e) {
            failed("requeued", e);
        }
    }

    @Override
    public void deadLettered(String channel, Message message, DeadLetterReason reason) {
        try {
            delegate.deadLettered(channel, message, reason);
        } catch (RuntimeException e) {
            failed("deadLettered", e);
        }
    }

    @Override
    public void channelFailing(String channel, String reason) {
        try {
            delegate.channelFailing(channel, reason);
        } catch (RuntimeException e) {
            failed("channelFailing", e);
        }
    }

    @Override
    public void channelRecovered(String channel) {
        try {
            delegate.channelRecovered(channel);
        } catch (RuntimeException e) {
            failed("channelRecovered", e);
        }
    }

    @Override
    public void swept(int sent, int failed) {
        try {
            delegate.swept(sent, failed);
        } catch (RuntimeException e) {
            failed("swept", e);
        }
    }
}
