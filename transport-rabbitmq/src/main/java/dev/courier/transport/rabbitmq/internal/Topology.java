package dev.courier.transport.rabbitmq.internal;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.courier.transport.rabbitmq.QueueType;
import dev.courier.transport.rabbitmq.TopologyException;
import dev.courier.transport.rabbitmq.TopologyMode;
import dev.courier.Reply;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Names and declares Courier's exchanges and queues (see docs/transport-rabbitmq.md, "Topology"). Declarations run
 * on a short-lived channel of their own, because a failed declaration closes the channel it ran on. Thread-safe.
 */
public final class Topology {
    public static final String DELAY_HEADER = WireFormat.DELAY;

    private final String exchange;
    private final TopologyMode mode;
    private final Map<Connection, Set<String>> declared = new ConcurrentHashMap<>();
    private final Map<Connection, Channel> keepers = new ConcurrentHashMap<>();

    private final int deliveryLimit;

    public Topology(String exchange, TopologyMode mode) {
        this(exchange, mode, 0);
    }

    /** {@code deliveryLimit} (0 for none) becomes each quorum work queue's {@code x-delivery-limit}. */
    public Topology(String exchange, TopologyMode mode, int deliveryLimit) {
        this.exchange = exchange;
        this.mode = mode;
        this.deliveryLimit = deliveryLimit;
    }

    public String exchange() { return exchange; }

    /** Declarations are remembered per connection, so that each connection records (and recovers) its own. */
    private Set<String> declared(Connection connection) {
        return declared.computeIfAbsent(connection, c -> ConcurrentHashMap.newKeySet());
    }

    private String check(String what) {
        return mode == TopologyMode.VALIDATE ? "check " + what : what;
    }
    public String delayExchange() { return exchange + ".delay"; }
    /**
     * Where delayed posts and requeued messages come back to when their wait ends: a direct exchange bound to every
     * channel's work queue (by topic, and by {@link #retryKey} for its own requeues), whose alternate exchange takes
     * whatever it cannot route to {@link #unroutableQueue()}, so that a message whose queue is gone is kept there and
     * counted, never dropped.
     */
    public String delayedExchange() { return exchange + ".delayed"; }
    public String unroutableQueue() { return exchange + ".unroutable"; }
    /** The routing key on {@link #delayedExchange()} that leads back to one channel's work queue. */
    public static String retryKey(String queue) { return "courier-retry:" + queue; }
    public String postDelayQueue(long millis) { return exchange + ".delay." + millis; }
    public static String retryQueuePrefix(String queue) { return queue + ".retry."; }
    public static String retryQueue(String queue, long millis) { return retryQueuePrefix(queue) + millis; }
    public static String deadLetterQueue(String queue) { return queue + ".dead-letters"; }

    /** The exchange producers publish to, and the delay exchange for delayed posts. */
    public void declareExchanges(Connection connection) {
        String key = "exchange";
        if (mode == TopologyMode.ASSUME || declared(connection).contains(key)) {
            return;
        }
        run(connection, check("exchange '" + exchange + "'"), channel -> {
            if (mode == TopologyMode.VALIDATE) {
                channel.exchangeDeclarePassive(exchange);
            } else {
                channel.exchangeDeclare(exchange, BuiltinExchangeType.DIRECT, true);
            }
        });
        run(connection, "exchange '" + delayExchange() + "'",
                channel -> channel.exchangeDeclare(delayExchange(), BuiltinExchangeType.HEADERS, true));
        run(connection, "exchange '" + delayedExchange() + "' and queue '" + unroutableQueue() + "'", channel -> {
            channel.exchangeDeclare(unroutableQueue(), BuiltinExchangeType.FANOUT, true);
            channel.queueDeclare(unroutableQueue(), true, false, false, Map.of("x-queue-type", "classic"));
            channel.queueBind(unroutableQueue(), unroutableQueue(), "");
            channel.exchangeDeclare(delayedExchange(), BuiltinExchangeType.DIRECT, true, false,
                    Map.of("alternate-exchange", unroutableQueue()));
        });
        declared(connection).add(key);
    }

    /** A reply queue outlives its processor by this long (x-expires), so a brief disconnect loses nothing. */
    static final int REPLY_QUEUE_EXPIRY_MS = 10 * 60 * 1000;

    /** A reply channel's dead letters are kept this long after last use, for someone to read them. */
    static final int REPLY_DEAD_LETTERS_EXPIRY_MS = 7 * 24 * 60 * 60 * 1000;

    /**
     * A channel's work queue (bound to its topic) and its dead-letter queue. Reply channels (names starting with
     * {@link Reply#ADDRESS_PREFIX}) get a non-durable classic queue that expires when unused, and a dead-letter queue
     * that expires a week after last use, so processes that come and go leave nothing behind for good.
     */
    public void declareChannel(Connection connection, String topic, String queue, QueueType type) {
        declareExchanges(connection);
        String key = "channel:" + queue + ":" + topic;
        if (mode == TopologyMode.ASSUME || declared(connection).contains(key)) {
            return;
        }
        String deadLetters = deadLetterQueue(queue);
        boolean reply = queue.startsWith(Reply.ADDRESS_PREFIX);
        run(connection, check("queue '" + deadLetters + "'"), channel -> {
            if (mode == TopologyMode.VALIDATE) {
                channel.queueDeclarePassive(deadLetters);
            } else {
                if (reply) {
                    channel.queueDeclare(deadLetters, true, false, false, Map.of("x-queue-type", "classic",
                            "x-expires", REPLY_DEAD_LETTERS_EXPIRY_MS));
                } else {
                    channel.queueDeclare(deadLetters, true, false, false, Map.of("x-queue-type", type.argument()));
                }
            }
        });
        run(connection, check("queue '" + queue + "'"), channel -> {
            if (mode == TopologyMode.VALIDATE) {
                channel.queueDeclarePassive(queue);
            } else {
                if (reply) {
                    // Not bound to the topic exchange: replies reach it through the default exchange only, so a
                    // publisher cannot slip a message in by naming the reply address as a topic.
                    channel.queueDeclare(queue, false, false, false, Map.of("x-queue-type", "classic",
                            "x-expires", REPLY_QUEUE_EXPIRY_MS,
                            "x-dead-letter-exchange", "", "x-dead-letter-routing-key", deadLetters));
                } else {
                    Map<String, Object> arguments = new HashMap<>(Map.of("x-queue-type", type.argument(),
                            "x-dead-letter-exchange", "", "x-dead-letter-routing-key", deadLetters));
                    if (type == QueueType.QUORUM && deliveryLimit > 0) {
                        // The broker's own bound, for a message no consumer can even read (over the inbound limit).
                        arguments.put("x-delivery-limit", deliveryLimit);
                    }
                    channel.queueDeclare(queue, true, false, false, arguments);
                    channel.queueBind(queue, exchange, topic);
                    channel.queueBind(queue, delayedExchange(), topic);
                    channel.queueBind(queue, delayedExchange(), retryKey(queue));
                }
            }
        });
        declared(connection).add(key);
    }

    /**
     * Forgets that {@code queue} was declared on this connection, so that the next consumer declares it again: the
     * broker cancels a consumer whose queue was deleted, and without this the queue would be recreated only when
     * the connection is recovered.
     */
    public void forgetChannel(Connection connection, String queue) {
        declared(connection).removeIf(key -> key.startsWith("channel:" + queue + ":"));
    }

    /**
     * A queue that holds delayed posts for {@code millis}, then dead-letters them into {@link #delayedExchange()},
     * which routes them by topic like the main exchange, or keeps them in {@link #unroutableQueue()}.
     */
    public void declarePostDelay(Connection connection, long millis) {
        declareExchanges(connection);
        String queue = postDelayQueue(millis);
        String key = queue;
        if (mode == TopologyMode.ASSUME || declared(connection).contains(key)) {
            return;
        }
        run(connection, "queue '" + queue + "'", channel -> {
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "classic",
                    "x-message-ttl", millis, "x-dead-letter-exchange", delayedExchange()));
            channel.queueBind(queue, delayExchange(), "", Map.of("x-match", "all", DELAY_HEADER, millis));
        });
        declared(connection).add(key);
    }

    /**
     * A queue that holds requeued messages of one channel for {@code millis}, then puts them back in it through
     * {@link #delayedExchange()} (or, if the work queue is gone, in {@link #unroutableQueue()}).
     */
    public void declareRetry(Connection connection, String workQueue, long millis) {
        String queue = retryQueue(workQueue, millis);
        String key = queue;
        if (mode == TopologyMode.ASSUME || declared(connection).contains(key)) {
            return;
        }
        run(connection, "queue '" + queue + "'", channel -> channel.queueDeclare(queue, true, false, false,
                Map.of("x-queue-type", "classic", "x-message-ttl", millis, "x-dead-letter-exchange",
                        delayedExchange(), "x-dead-letter-routing-key", retryKey(workQueue))));
        declared(connection).add(key);
    }

    private interface Declaration {
        void run(Channel channel) throws IOException;
    }

    /**
     * Runs a declaration on a throwaway channel first (a failure closes the channel it ran on), and then, unless
     * it was only a passive check, once more on the connection's long-lived topology channel: the client's
     * topology recovery re-declares an entity on the channel that declared it, so that channel must stay open.
     */
    private void run(Connection connection, String what, Declaration declaration) {
        try (Channel channel = connection.createChannel()) {
            declaration.run(channel);
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw failure(what, e);
        }
        if (mode == TopologyMode.VALIDATE && what.startsWith("check ")) {
            return;
        }
        Channel keeper = keepers.compute(connection, (c, old) -> old != null && old.isOpen() ? old : open(c, what));
        synchronized (keeper) {
            try {
                declaration.run(keeper);
            } catch (IOException | RuntimeException e) {
                throw failure(what, e);
            }
        }
    }

    private Channel open(Connection connection, String what) {
        try {
            return connection.createChannel();
        } catch (IOException e) {
            throw failure(what, e);
        }
    }

    private TopologyException failure(String what, Exception e) {
        String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        return new TopologyException("Cannot " + (mode == TopologyMode.VALIDATE ? "validate " : "declare ")
                + what.replaceFirst("^check ", "") + " (topology mode " + mode + "): " + cause, e);
    }
}
