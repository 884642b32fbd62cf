package dev.courier.micrometer;

import dev.courier.ContextPropagator;
import dev.courier.CourierListener;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traces every message with Micrometer Tracing (over OpenTelemetry or Brave, whichever bridge the application
 * uses), as one trace from the code that posts it to the handler in another process:
 *
 * <ul>
 *   <li>{@code courier post <topic>} (producer): made when the message is posted, a child of the caller's current
 *       span (an HTTP request's, say), or a new trace when there is none. Its W3C context goes into the message's
 *       header bag, so it is stored with the outbox row and sent as {@code traceparent} / {@code tracestate}.
 *   <li>{@code courier send <topic>} (producer), a child of the post span: one per attempt to hand the message to the
 *       broker, from its send to its confirm, on whichever thread sends it (the poster's, or the sweeper's minutes
 *       later); a failed attempt ends with its error.
 *   <li>{@code courier handle <channel>} (consumer), a child of the post span: the handling of a received message
 *       and its settlement on the pump thread, current while the handler runs (so the handler's own spans are its
 *       children); it ends with the handler's error, tagged with the outcome (acknowledged, requeued,
 *       dead-lettered).
 * </ul>
 *
 * Register it as the processor's propagator and listener, and as the sweeper's listener:
 * {@code CommandProcessor.builder().contextPropagator(tracing).listener(tracing)},
 * {@code OutboxSweeper.builder(outbox, producers).listener(tracing)}. Span tags: {@code courier.topic},
 * {@code courier.channel}, {@code courier.message-id}, {@code courier.outcome}.
 */
public final class CourierTracing implements ContextPropagator, CourierListener {
    /** Tag: the message's topic. */
    public static final String TOPIC = "courier.topic";
    /** Tag: the channel that received it. */
    public static final String CHANNEL = "courier.channel";
    /** Tag: the message's id. */
    public static final String MESSAGE_ID = "courier.message-id";
    /** Tag on handle spans: acknowledged, requeued, dead-lettered, unacceptable. */
    public static final String OUTCOME = "courier.outcome";
    /**
     * Send spans open at most. An attempt whose outcome is never told (a producer that never answers) would stay
     * open: when this many are, those older than {@link #STALE_SEND} are ended (tagged {@code courier.outcome =
     * unknown}) and forgotten.
     */
    static final int MAX_OPEN_SENDS = 10_000;
    /** How old an open send span must be to be ended when {@link #MAX_OPEN_SENDS} are open. */
    static final long STALE_SEND = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    private final Tracer tracer;
    private final Propagator propagator;
    private final Map<UUID, OpenSend> sends = new ConcurrentHashMap<>();

    /** A send span and when it started ({@link System#nanoTime()}). */
    private record OpenSend(Span span, long started) {}

    private CourierTracing(Tracer tracer, Propagator propagator) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.propagator = Objects.requireNonNull(propagator, "propagator");
    }

    /** Traces with {@code tracer}, carrying contexts in message headers with {@code propagator} (W3C or B3). */
    public static CourierTracing of(Tracer tracer, Propagator propagator) {
        return new CourierTracing(tracer, propagator);
    }

    @Override
    public Map<String, String> capture(Message message) {
        Span parent = tracer.currentSpan();
        Span.Builder builder = tracer.spanBuilder();
        builder = parent == null ? builder.setNoParent() : builder.setParent(parent.context());
        Span post = builder.name("courier post " + message.topic()).kind(Span.Kind.PRODUCER)
                .tag(TOPIC, message.topic()).tag(MESSAGE_ID, message.id().toString()).start();
        Map<String, String> headers = new HashMap<>();
        propagator.inject(post.context(), headers, Map::put);
        post.end();
        return headers;
    }

    @Override
    public Scope restore(Map<String, String> headers) {
        Span handle = propagator.extract(headers, Map::get).name("courier handle").kind(Span.Kind.CONSUMER).start();
        Tracer.SpanInScope inScope = tracer.withSpan(handle);
        return () -> {
            inScope.close();
            handle.end();
        };
    }

    @Override
    public void sending(Message message) {
        long now = System.nanoTime();
        if (sends.size() >= MAX_OPEN_SENDS) {
            sends.entrySet().removeIf(open -> {
                boolean stale = now - open.getValue().started() > STALE_SEND;
                if (stale) {
                    open.getValue().span().tag(OUTCOME, "unknown").end();
                }
                return stale;
            });
        }
        OpenSend earlier = sends.put(message.id(), new OpenSend(child(message, "courier send ").start(), now));
        if (earlier != null) {
            earlier.span().tag(OUTCOME, "unknown").end(); // an attempt whose outcome was never told
        }
    }

    @Override
    public void dispatched(Message message) {
        OpenSend send = sends.remove(message.id());
        if (send != null) {
            send.span().end();
        }
    }

    @Override
    public void notDispatched(Message message, Throwable cause) {
        OpenSend open = sends.remove(message.id());
        // none open: refused before it reached a producer (no producer for its topic)
        Span send = open != null ? open.span() : child(message, "courier send ").start();
        send.error(cause);
        send.end();
    }

    @Override
    public void received(String channel, Message message) {
        Span handle = tracer.currentSpan();
        if (handle != null) {
            handle.name("courier handle " + channel).tag(CHANNEL, channel).tag(TOPIC, message.topic())
                    .tag(MESSAGE_ID, message.id().toString());
        }
    }

    @Override
    public void unacceptable(String channel, Message message, Throwable cause) {
        Span handle = tracer.currentSpan();
        if (handle != null) {
            handle.tag(OUTCOME, "unacceptable").error(cause);
        }
    }

    @Override
    public void handled(String channel, Message message, long nanos, Throwable failure) {
        Span handle = tracer.currentSpan();
        if (handle != null && failure != null) {
            handle.error(failure);
        }
    }

    @Override
    public void acknowledged(String channel, Message message) {
        outcome("acknowledged");
    }

    @Override
    public void requeued(String channel, Message message, Duration delay, int attempts) {
        outcome("requeued");
    }

    @Override
    public void deadLettered(String channel, Message message, DeadLetterReason reason) {
        outcome("dead-lettered");
    }

    private void outcome(String outcome) {
        Span handle = tracer.currentSpan();
        if (handle != null) {
            handle.tag(OUTCOME, outcome);
        }
    }

    /** A span whose parent is the context the message carries (its post span), or a new trace if it has none. */
    private Span.Builder child(Message message, String name) {
        return propagator.extract(message.header().bag(), Map::get).name(name + message.topic())
                .kind(Span.Kind.PRODUCER).tag(TOPIC, message.topic()).tag(MESSAGE_ID, message.id().toString());
    }
}
