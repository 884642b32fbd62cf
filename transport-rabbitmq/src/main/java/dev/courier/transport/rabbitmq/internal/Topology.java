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
    private final String exchange;
    private final TopologyMode mode;
    private final Map<Connection, Set<String>> declared = new ConcurrentHashMap<>();
    private final Map<Connection, Channel> keepers = new ConcurrentHashMap<>();
    private final int deliveryLimit;
    private final QueueType unroutableType;
    /** Names read on every delivery ({@link #fromDelayLevels}), built once rather than per message. */
    private final String delayExit;
    private final String delayLevelPrefix;

    public Topology(String exchange, TopologyMode mode) {
        this(exchange, mode, 0, QueueType.CLASSIC);
    }

    /**
     * {@code deliveryLimit} (0 for none) becomes each quorum work queue's {@code x-delivery-limit};
     * {@code unroutableType} is the unroutable queue's type (the transport's default queue type, so that a cluster
     * configured for quorum queues keeps no message on a single node).
     */
    public Topology(String exchange, TopologyMode mode, int deliveryLimit, QueueType unroutableType) {
        this.exchange = exchange;
        this.mode = mode;
        this.deliveryLimit = deliveryLimit;
        this.unroutableType = unroutableType;
        this.delayExit = exchange + ".delay-exit";
        this.delayLevelPrefix = exchange + ".delay-level.";
    }

    public String exchange() { return exchange; }

    /** Declarations are remembered per connection, so that each connection records (and recovers) its own. */
    private Set<String> declared(Connection connection) {
        return declared.computeIfAbsent(connection, c -> ConcurrentHashMap.newKeySet());
    }

    private String check(String what) {
        return mode == TopologyMode.VALIDATE ? "check " + what : what;
    }
    /** How many delay levels there are: level k holds a message for 2^k ms, so any delay below 2^32 ms fits. */
    public static final int DELAY_LEVELS = 32;
    /** The longest delay the levels can hold: 2^32 - 1 ms, about 49.7 days. */
    public static final long MAX_DELAY_MILLIS = (1L << DELAY_LEVELS) - 1;

    /**
     * Where a delayed message leaves the levels: a headers exchange that routes a delayed post by
     * {@link WireFormat#DELAY_TARGET} (its topic) to every channel of the topic, and a requeued copy by
     * {@link WireFormat#RETRY_QUEUE} to its own channel only (so is a delivery recount, published to it directly).
     * Its alternate exchange keeps whatever it cannot route in {@link #unroutableQueue()}, so a message whose queue
     * is gone is kept and counted, never dropped.
     */
    public String delayExit() { return delayExit; }
    public String unroutableQueue() { return exchange + ".unroutable"; }
    /** Delay level {@code k}'s topic exchange, and its queue (same name), which holds a message for 2^k ms. */
    public String delayLevel(int k) { return delayLevelPrefix + (k < 10 ? "0" : "") + k; }
    public static String deadLetterQueue(String queue) { return queue + ".dead-letters"; }

    /** Whether a delivery published to {@code exchange} came out of the delay levels (a level or the exit). */
    public boolean fromDelayLevels(String exchangeName) {
        return exchangeName.equals(delayExit) || (exchangeName.startsWith(delayLevelPrefix)
                && exchangeName.length() == delayLevelPrefix.length() + 2);
    }

    /**
     * The routing key of a message waiting {@code millis}: the delay's 32 bits, most significant first, one word
     * each ({@code "0.0. ... .1.0"}). Level k's exchange looks at word {@code 31 - k}: 1 sends the message into its
     * queue, 0 on to level k - 1 (level 0: to the exit).
     */
    public static String delayKey(long millis) {
        StringBuilder key = new StringBuilder(2 * DELAY_LEVELS);
        for (int k = DELAY_LEVELS - 1; k >= 0; k--) {
            key.append((millis >>> k & 1) == 1 ? '1' : '0').append(k > 0 ? "." : "");
        }
        return key.toString();
    }

    /** The level a message waiting {@code millis} enters at: its highest set bit (0 for no wait). */
    public String delayEntry(long millis) {
        return delayLevel(millis == 0 ? 0 : 63 - Long.numberOfLeadingZeros(millis));
    }

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
        run(connection, "exchange '" + delayExit() + "' and queue '" + unroutableQueue() + "'", channel -> {
            channel.exchangeDeclare(unroutableQueue(), BuiltinExchangeType.FANOUT, true);
            channel.queueDeclare(unroutableQueue(), true, false, false,
                    Map.of("x-queue-type", unroutableType.argument()));
            channel.queueBind(unroutableQueue(), unroutableQueue(), "");
            channel.exchangeDeclare(delayExit(), BuiltinExchangeType.HEADERS, true, false,
                    Map.of("alternate-exchange", unroutableQueue()));
        });
        declared(connection).add(key);
    }

    /** Whether {@code queue} is a reply channel's queue: bound to no exchange, reached by its name alone. */
    public static boolean isReplyQueue(String queue) {
        return queue.startsWith(Reply.ADDRESS_PREFIX);
    }

    /**
     * Whether {@link #delayExit()} reaches {@code queue} by {@link WireFormat#RETRY_QUEUE} because Courier bound it
     * so: a work queue in {@link TopologyMode#CREATE}. Not a reply queue, and not in the modes that bind nothing.
     */
    public boolean exitReaches(String queue) {
        return mode == TopologyMode.CREATE && !isReplyQueue(queue);
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
        boolean reply = isReplyQueue(queue);
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
                    channel.queueBind(queue, delayExit(), "", Map.of("x-match", "all",
                            WireFormat.DELAY_TARGET, topic));
                    channel.queueBind(queue, delayExit(), "", Map.of("x-match", "all",
                            WireFormat.RETRY_QUEUE, queue));
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
     * Makes sure a message can wait {@code millis} (at most {@link #MAX_DELAY_MILLIS}): declares every level's
     * exchange (once per connection) and the queue of each level whose bit is set in {@code millis} (on first use).
     * Level k's queue is a quorum queue with a TTL of 2^k ms that dead-letters at least once (the broker keeps a
     * message in the level until the next hop confirmed it) into level k - 1's exchange, keeping the routing key;
     * level 0's leads to {@link #delayExit()}. Every level exchange's alternate exchange is the unroutable one, so a
     * message meets a missing queue only to be kept there. Declared in every mode but {@code ASSUME}.
     */
    public void declareDelay(Connection connection, long millis) {
        if (mode == TopologyMode.ASSUME) {
            return;
        }
        declareExchanges(connection);
        if (!declared(connection).contains("delay-levels")) {
            run(connection, "the delay level exchanges '" + delayLevel(0) + "'..'" + delayLevel(DELAY_LEVELS - 1)
                    + "'", channel -> {
                for (int k = 0; k < DELAY_LEVELS; k++) {
                    channel.exchangeDeclare(delayLevel(k), BuiltinExchangeType.TOPIC, true, false,
                            Map.of("alternate-exchange", unroutableQueue()));
                }
                for (int k = 0; k < DELAY_LEVELS; k++) {
                    channel.exchangeBind(k == 0 ? delayExit() : delayLevel(k - 1), delayLevel(k), levelPattern(k, 0));
                }
            });
            declared(connection).add("delay-levels");
        }
        for (int k = 0; k < DELAY_LEVELS; k++) {
            if ((millis >>> k & 1) == 1 && !declared(connection).contains(delayLevel(k))) {
                declareLevelQueue(connection, k);
            }
        }
    }

    private void declareLevelQueue(Connection connection, int k) {
        String queue = delayLevel(k);
        run(connection, "delay level queue '" + queue + "'", channel -> {
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum",
                    "x-message-ttl", 1L << k, "x-dead-letter-exchange", k == 0 ? delayExit() : delayLevel(k - 1),
                    "x-dead-letter-strategy", "at-least-once", "x-overflow", "reject-publish"));
            channel.queueBind(queue, delayLevel(k), levelPattern(k, 1));
        });
        declared(connection).add(queue);
    }

    /** Matches a routing key of {@link #delayKey} whose bit k is {@code bit}. */
    private static String levelPattern(int k, int bit) {
        return "*.".repeat(DELAY_LEVELS - 1 - k) + bit + (k > 0 ? ".#" : "");
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
