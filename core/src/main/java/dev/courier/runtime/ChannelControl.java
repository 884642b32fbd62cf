package dev.courier.runtime;

import dev.courier.ChannelState;
import dev.courier.Reply;
import dev.courier.internal.ControlMessages;
import dev.courier.message.Message;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets an operator see and steer a running {@link Dispatcher}'s channels from outside its process ({@code courier
 * channels status|shut|open}). Off unless started. Every instance of an application listens on the topic
 * {@code courier.control.<application>} with a channel of its own ({@link #channel}), so one request reaches every
 * instance and each answers with its channels' states (on the requester's reply address, through the transport's
 * reply path).
 *
 * <p><b>Security.</b> A request is obeyed only if it is signed (HMAC-SHA256 over its id, time, topic and body) with
 * the secret the instance was started with, and was signed within {@link #WINDOW} of the instance's clock; an id
 * obeyed once is refused again for twice that window (no replay). Anyone who can publish to the broker can send a
 * request, but without the secret it is refused and logged at WARN. Keep the secret out of the application's
 * ordinary configuration (an environment variable or a secret store), at least 16 bytes. The control channel never
 * shuts itself: it is not one of the dispatcher's channels.
 *
 * <pre>{@code
 * ChannelControl control = ChannelControl.start(dispatcher, rabbit, "tasks", "pod-1", secret);
 * ...
 * control.close();
 * }</pre>
 */
public final class ChannelControl implements AutoCloseable {
    /** Control requests for application {@code a} go to topic {@code courier.control.a}. */
    public static final String TOPIC_PREFIX = "courier.control.";
    /** How far a request's signing time may be from the instance's clock. */
    public static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(ChannelControl.class);

    private final Dispatcher dispatcher;
    private final byte[] secret;
    private final String instance;
    private final Clock clock;
    private final MessageConsumer consumer;
    private final MessageProducer producer;
    private final Map<UUID, Instant> obeyed = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ChannelControl(Dispatcher dispatcher, Transport transport, String application, String instance,
            byte[] secret, Clock clock) {
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.secret = requireSecret(secret);
        this.instance = requireName(instance, "instance");
        this.clock = clock;
        String topic = TOPIC_PREFIX + requireName(application, "application");
        this.consumer = transport.createConsumer(new ChannelSpec(topic, channel(application, instance), 1));
        this.producer = transport.producer();
        this.thread = new Thread(this::run, "courier-control-" + application);
        thread.setDaemon(true);
        thread.start();
        LOG.info("Channel control of '{}' (instance '{}') listens on topic '{}'", application, instance, topic);
    }

    /**
     * The channel an instance reads its control requests from: {@code courier.control.<application>.<instance>}, a
     * durable queue on RabbitMQ. Give instances stable names (a host name, a StatefulSet ordinal) so that a restarted
     * one reads the same queue; delete a retired instance's queue with the transport's tools. Requests left in it
     * are refused as stale when it is read again later than {@link #WINDOW}.
     */
    public static String channel(String application, String instance) {
        return TOPIC_PREFIX + requireName(application, "application") + "." + requireName(instance, "instance");
    }

    /** Starts listening for control requests to {@code application}, answering as {@code instance}. */
    public static ChannelControl start(Dispatcher dispatcher, Transport transport, String application,
            String instance, byte[] secret) {
        return new ChannelControl(dispatcher, transport, application, instance, secret, Clock.systemUTC());
    }

    /**
     * Sends {@code action} ({@code status}, {@code shut} or {@code open}; {@code channel} null for status) to every
     * instance of {@code application} and collects the replies that arrive within {@code wait}, in arrival order.
     * An instance that could not do what was asked answers with the reason in {@link InstanceReply#error()}.
     */
    public static List<InstanceReply> request(Transport transport, String application, byte[] secret, String action,
            String channel, Duration wait) {
        return request(transport, application, secret, action, channel, wait, 0);
    }

    /**
     * {@link #request(Transport, String, byte[], String, String, Duration)}, returning as soon as {@code expected}
     * instances have answered (0: wait the whole time, for an unknown number of instances).
     */
    public static List<InstanceReply> request(Transport transport, String application, byte[] secret, String action,
            String channel, Duration wait, int expected) {
        return request(transport, application, secret, action, channel, wait, expected,
                Reply.ADDRESS_PREFIX + "control-client." + UUID.randomUUID());
    }

    /**
     * {@link #request(Transport, String, byte[], String, String, Duration, int)} with the replies read from
     * {@code replyTo} (a reply address, {@value Reply#ADDRESS_PREFIX}...), which the caller may delete afterwards.
     */
    public static List<InstanceReply> request(Transport transport, String application, byte[] secret, String action,
            String channel, Duration wait, int expected, String replyTo) {
        if (!replyTo.startsWith(Reply.ADDRESS_PREFIX)) {
            throw new IllegalArgumentException("replyTo must start with " + Reply.ADDRESS_PREFIX + " but was " + replyTo);
        }
        List<InstanceReply> replies = new ArrayList<>();
        MessageConsumer inbox = transport.createConsumer(new ChannelSpec(replyTo, replyTo, 10));
        try (MessageProducer producer = transport.producer()) {
            Message request = ControlMessages.request(TOPIC_PREFIX + requireName(application, "application"),
                    Objects.requireNonNull(action, "action"), channel, replyTo, requireSecret(secret), Instant.now());
            producer.send(request).orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).join();
            long deadline = System.nanoTime() + wait.toNanos();
            for (long left = wait.toNanos(); left > 0 && (expected == 0 || replies.size() < expected);
                    left = deadline - System.nanoTime()) {
                Message reply = inbox.receive(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))));
                if (reply != null) {
                    inbox.acknowledge(reply);
                    if (request.id().equals(reply.header().correlationId())) {
                        ControlMessages.Reply read = ControlMessages.readReply(reply);
                        replies.add(new InstanceReply(read.instance(), Optional.ofNullable(read.error()),
                                read.channels()));
                    }
                }
            }
        } finally {
            inbox.close();
        }
        return List.copyOf(replies);
    }

    private void run() {
        while (running) {
            Message request;
            try {
                request = consumer.receive(Duration.ofMillis(250));
            } catch (RuntimeException e) {
                LOG.warn("Channel control cannot read its queue; retrying in 1 s: {}", e.toString());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                continue;
            }
            if (request == null) {
                continue;
            }
            try {
                answer(request);
            } catch (RuntimeException e) {
                LOG.warn("Channel control could not answer request {}: {}", request.id(), e.toString());
            } finally {
                consumer.acknowledge(request); // a control request is never redelivered: the operator asks again
            }
        }
    }

    private void answer(Message request) {
        Instant now = clock.instant();
        forget(now);
        Optional<String> refusal = ControlMessages.refusal(request, secret, now, WINDOW)
                .or(() -> obeyed.containsKey(request.id()) ? Optional.of("it was obeyed before (a replay)")
                        : Optional.empty());
        if (refusal.isPresent()) {
            LOG.warn("Refused control request {} on topic '{}': {}", request.id(), request.topic(), refusal.get());
            return; // no reply: a sender without the secret learns nothing
        }
        obeyed.put(request.id(), now);
        String action = String.valueOf(ControlMessages.field(request, "action"));
        String channel = ControlMessages.field(request, "channel");
        String error = null;
        try {
            switch (action) {
                case "status" -> { }
                case "shut" -> dispatcher.shut(requireChannel(channel, action));
                case "open" -> dispatcher.open(requireChannel(channel, action));
                default -> error = "unknown action '" + action + "'; expected status, shut or open";
            }
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        LOG.info("Control request {}: {} {} -> {}", request.id(), action, channel == null ? "" : channel,
                error == null ? "done" : error);
        List<ChannelState> states = dispatcher.states();
        if (request.header().replyTo() != null) {
            producer.sendUnconfirmed(ControlMessages.reply(request, instance, error, states, now));
        }
    }

    private void forget(Instant now) {
        Instant cutoff = now.minus(WINDOW.multipliedBy(2));
        for (Iterator<Instant> it = obeyed.values().iterator(); it.hasNext(); ) {
            if (it.next().isBefore(cutoff)) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /** Stops listening; requests sent afterwards stay unanswered. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close();
    }

    /** Reads a secret from text (an environment variable's value), as UTF-8 bytes. */
    public static byte[] secret(String text) {
        return Objects.requireNonNull(text, "secret").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] requireSecret(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("The control secret must be at least 16 bytes"
                    + (secret == null ? "" : " but has " + secret.length));
        }
        return secret.clone();
    }

    private static String requireChannel(String channel, String action) {
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("'" + action + "' needs a channel");
        }
        return channel;
    }

    private static String requireName(String value, String what) {
        if (value == null || value.isBlank() || !value.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(what + " must be letters, digits, '.', '_' or '-' but was '" + value
                    + "'");
        }
        return value;
    }

    /**
     * One instance's answer.
     *
     * @param instance the name it was started with
     * @param error    why it could not do what was asked (no such channel there), if so
     * @param channels its channels' states after the action
     */
    public record InstanceReply(String instance, Optional<String> error, List<ChannelState> channels) {}
}
