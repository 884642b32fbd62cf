package dev.courier.internal;

import dev.courier.CourierListener;
import dev.courier.Request;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import java.time.Duration;
import java.util.List;
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

    private static void failed(CourierListener delegate, String method, RuntimeException e) {
        LOG.warn("CourierListener {}.{} threw; ignored: {}", delegate.getClass().getName(), method, e.toString());
    }

    @Override
    public void handledInProcess(Request request, long nanos, Throwable failure) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.handledInProcess(request, nanos, failure);
            } catch (RuntimeException e) {
                failed(delegate, "handledInProcess", e);
            }
        }
    }

    @Override
    public void deposited(Message message) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.deposited(message);
            } catch (RuntimeException e) {
                failed(delegate, "deposited", e);
            }
        }
    }

    @Override
    public void dispatched(Message message) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.dispatched(message);
            } catch (RuntimeException e) {
                failed(delegate, "dispatched", e);
            }
        }
    }

    @Override
    public void notDispatched(Message message, Throwable cause) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.notDispatched(message, cause);
            } catch (RuntimeException e) {
                failed(delegate, "notDispatched", e);
            }
        }
    }

    @Override
    public void received(String channel, Message message) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.received(channel, message);
            } catch (RuntimeException e) {
                failed(delegate, "received", e);
            }
        }
    }

    @Override
    public void unacceptable(String channel, Message message, Throwable cause) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.unacceptable(channel, message, cause);
            } catch (RuntimeException e) {
                failed(delegate, "unacceptable", e);
            }
        }
    }

    @Override
    public void handled(String channel, Message message, long nanos, Throwable failure) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.handled(channel, message, nanos, failure);
            } catch (RuntimeException e) {
                failed(delegate, "handled", e);
            }
        }
    }

    @Override
    public void acknowledged(String channel, Message message) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.acknowledged(channel, message);
            } catch (RuntimeException e) {
                failed(delegate, "acknowledged", e);
            }
        }
    }

    @Override
    public void requeued(String channel, Message message, Duration delay, int attempts) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.requeued(channel, message, delay, attempts);
            } catch (RuntimeException e) {
                failed(delegate, "requeued", e);
            }
        }
    }

    @Override
    public void deadLettered(String channel, Message message, DeadLetterReason reason) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.deadLettered(channel, message, reason);
            } catch (RuntimeException e) {
                failed(delegate, "deadLettered", e);
            }
        }
    }

    @Override
    public void channelFailing(String channel, String reason) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.channelFailing(channel, reason);
            } catch (RuntimeException e) {
                failed(delegate, "channelFailing", e);
            }
        }
    }

    @Override
    public void channelRecovered(String channel) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.channelRecovered(channel);
            } catch (RuntimeException e) {
                failed(delegate, "channelRecovered", e);
            }
        }
    }

    @Override
    public void swept(int sent, int failed) {
        for (CourierListener delegate : delegates) {
            try {
                delegate.swept(sent, failed);
            } catch (RuntimeException e) {
                failed(delegate, "swept", e);
            }
        }
    }
}
