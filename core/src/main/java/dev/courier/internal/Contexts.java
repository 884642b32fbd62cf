package dev.courier.internal;

import dev.courier.ContextPropagator;
import dev.courier.message.Message;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Both ends of a {@link ContextPropagator}: carrying the poster's context in a message, restoring it in a pump. */
final class Contexts {
    private static final Logger LOG = LoggerFactory.getLogger(ContextPropagator.class);

    private Contexts() {}

    /**
     * The message with the caller's context in its header bag (see {@link ContextPropagator#capture}): stored
     * with it in the outbox, sent with it. The message's own entries win; names Courier or the broker own are
     * dropped, with a warning.
     */
    static Message carry(ContextPropagator propagator, Message message) {
        if (propagator == ContextPropagator.NONE) {
            return message;
        }
        Map<String, String> captured = propagator.capture(message);
        if (captured == null || captured.isEmpty()) {
            return message;
        }
        Map<String, String> bag = new HashMap<>();
        captured.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("courier-") || lower.startsWith("x-") || value == null) {
                LOG.warn("ContextPropagator {} captured header '{}', which it may not set (courier-* and x-* "
                        + "names are Courier's and the broker's, values must not be null); not carried",
                        propagator.getClass().getName(), name);
            } else {
                bag.put(name, value);
            }
        });
        bag.putAll(message.header().bag());
        return new Message(message.header().toBuilder().bag(bag).build(), message.body());
    }

    /** The poster's context made current for a handling; a failure to restore it is logged, and handling goes on. */
    static ContextPropagator.Scope restore(ContextPropagator propagator, Message message, String channel) {
        if (propagator == ContextPropagator.NONE) {
            return ContextPropagator.Scope.NOOP;
        }
        try {
            ContextPropagator.Scope scope = propagator.restore(message.header().bag());
            if (scope == null) {
                return ContextPropagator.Scope.NOOP;
            }
            return () -> {
                try {
                    scope.close();
                } catch (RuntimeException e) {
                    LOG.warn("ContextPropagator {} failed to end the context of {} on '{}': {}",
                            propagator.getClass().getName(), message.id(), channel, e.toString());
                }
            };
        } catch (RuntimeException e) {
            LOG.warn("ContextPropagator {} could not restore the context of {} on '{}'; handling it without: {}",
                    propagator.getClass().getName(), message.id(), channel, e.toString());
            return ContextPropagator.Scope.NOOP;
        }
    }
}
