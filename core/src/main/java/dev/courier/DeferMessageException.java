package dev.courier;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a handler that cannot handle a message yet: the message pump requeues it to come back after
 * {@link #delay()}. It counts as one failed handling toward the subscription's {@code requeueCount}.
 */
public class DeferMessageException extends CourierException {
    private final Duration delay;

    public DeferMessageException(Duration delay, String reason) {
        super("Deferred for " + delay.toMillis() + " ms: " + reason);
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative but was " + delay);
        }
        this.delay = delay;
    }

    public Duration delay() {
        return delay;
    }
}
