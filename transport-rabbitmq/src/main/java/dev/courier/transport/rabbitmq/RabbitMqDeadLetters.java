package dev.courier.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.courier.ChannelFailureException;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterBrowser;
import dev.courier.spi.DeadLetterEntry;
import dev.courier.spi.DeadLetterQueue;
import dev.courier.spi.DeadLetterReason;
import dev.courier.transport.rabbitmq.internal.Topology;
import dev.courier.transport.rabbitmq.internal.WireFormat;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The dead-letter queues ({@code <channel>.dead-letters}) as a {@link DeadLetterQueue}. A browse is a channel of its
 * own on the publishing connection that fetches dead letters one by one ({@code basic.get}, not acknowledged): what
 * it holds no one else sees, and closing it gives back what it still holds, in place (a {@code basic.nack} with
 * requeue before the channel closes, so the next browse finds them). A browse reads until the queue has no ready
 * message, not up to the count it saw at the start (the broker may answer a count before it has taken back what an
 * earlier browse held), and stops at a message it redrove itself that came back failing again. A redrive publishes
 * the copy (persistent, mandatory, through the default exchange to the target's queue), waits for the broker's
 * confirm and only then acknowledges the dead letter.
 */
final class RabbitMqDeadLetters implements DeadLetterQueue {
    /** Headers only a consumer writes for its own bookkeeping: a redriven copy starts without them. */
    private static final Set<String> BOOKKEEPING = Set.of(WireFormat.HANDLED_COUNT, WireFormat.RETRY_QUEUE,
            WireFormat.DELIVERIES, WireFormat.DELAY_TARGET);

    private final Connection connection;
    private final RabbitMqConfig config;
    private final Clock clock;

    RabbitMqDeadLetters(Connection connection, RabbitMqConfig config, Clock clock) {
        this.connection = connection;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public long count(String channel) {
        try (Channel amqp = connection.createChannel()) {
            return amqp.queueDeclarePassive(Topology.deadLetterQueue(channel)).getMessageCount();
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw failure(channel, "count the dead letters of", e);
        }
    }

    @Override
    public DeadLetterBrowser browse(String channel) {
        String queue = Topology.deadLetterQueue(channel);
        Channel amqp = null;
        try {
            amqp = connection.createChannel();
            long size = amqp.queueDeclarePassive(queue).getMessageCount();
            amqp.confirmSelect();
            return new Browser(channel, queue, amqp, size);
        } catch (IOException | RuntimeException e) {
            closeQuietly(amqp);
            throw failure(channel, "browse the dead letters of", e);
        }
    }

    private ChannelFailureException failure(String channel, String action, Exception e) {
        String cause = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("NOT_FOUND")) {
                cause = "the queue '" + Topology.deadLetterQueue(channel) + "' does not exist (is the channel's name "
                        + "right?)";
                break;
            }
            cause = cause == null ? t.getMessage() : cause;
        }
        return new ChannelFailureException("Cannot " + action + " channel '" + channel + "' on " + config.address()
                + ": " + cause, e);
    }

    private static void closeQuietly(Channel amqp) {
        try {
            if (amqp != null && amqp.isOpen()) {
                amqp.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // the connection is gone: the broker gives back what the channel held anyway
        }
    }

    private final class Browser implements DeadLetterBrowser {
        private final String channel;
        private final String queue;
        private final Channel amqp;
        private final long size;
        private final Map<Long, GetResponse> held = new HashMap<>();
        private final AtomicBoolean returned = new AtomicBoolean();
        private final Set<String> redriven = new HashSet<>();
        private long read;
        private boolean ended;

        Browser(String channel, String queue, Channel amqp, long size) {
            this.channel = channel;
            this.queue = queue;
            this.amqp = amqp;
            this.size = size;
            amqp.addReturnListener(r -> returned.set(true));
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public Optional<DeadLetterEntry> next() {
            if (ended) {
                return Optional.empty();
            }
            GetResponse response;
            try {
                response = amqp.basicGet(queue, false);
            } catch (IOException | RuntimeException e) {
                throw failure(channel, "read the dead letters of", e);
            }
            if (response == null) {
                ended = true;
                return Optional.empty();
            }
            read++;
            held.put(read, response);
            DeadLetterEntry entry = entry(read, response);
            if (redriven.contains(entry.messageId())) {
                ended = true; // one this browse sent back, failing again: the pass has come round
                return Optional.empty();
            }
            return Optional.of(entry);
        }

        private DeadLetterEntry entry(long position, GetResponse response) {
            AMQP.BasicProperties p = response.getProps();
            // A plain post carries no topic header (its routing key was the topic), and a dead letter has its
            // dead-letter queue's routing key: read where it was going from what the dead-lettering kept.
            String publishedAs = WireFormat.deadLetterTopic(p.getHeaders());
            Message message = WireFormat.toMessage(p, response.getBody(),
                    publishedAs != null ? publishedAs : response.getEnvelope().getRoutingKey(), channel, 0);
            Instant fallbackAt = p.getTimestamp() == null ? clock.instant() : p.getTimestamp().toInstant();
            DeadLetterReason reason = DeadLetterReason.fromHeaders(message.header().bag(), message.topic(),
                    brokerDetail(p.getHeaders()), fallbackAt);
            String id = p.getMessageId() == null ? "(none)" : WireFormat.echo(p.getMessageId());
            return new DeadLetterEntry(channel, position, id, message, reason);
        }

        @Override
        public void redrive(DeadLetterEntry entry, String targetChannel) {
            GetResponse response = held(entry);
            Map<String, Object> headers = new LinkedHashMap<>();
            if (response.getProps().getHeaders() != null) {
                response.getProps().getHeaders().forEach((name, value) -> {
                    if (!DeadLetterEntry.isDeadLetterHeader(name) && !BOOKKEEPING.contains(name)
                            && !name.regionMatches(true, 0, "x-", 0, 2)) {
                        headers.put(name, value);
                    }
                });
            }
            // Sent straight to the target's queue, so the routing key no longer names the topic: the header does.
            headers.putIfAbsent(WireFormat.TOPIC, entry.message().topic());
            entry.redrivenBag(clock.instant()).forEach((name, value) -> {
                if (name.startsWith("courier-redriv")) {
                    headers.put(name, value);
                }
            });
            try {
                returned.set(false);
                amqp.basicPublish("", targetChannel, true, WireFormat.withHeaders(response.getProps(), headers),
                        response.getBody());
                amqp.waitForConfirmsOrDie(config.confirmTimeout().toMillis());
                if (returned.get()) {
                    throw new IOException("the queue '" + targetChannel + "' does not exist (returned unroutable)");
                }
                amqp.basicAck(response.getEnvelope().getDeliveryTag(), false);
                held.remove(entry.position());
                redriven.add(entry.messageId());
            } catch (IOException | TimeoutException | RuntimeException e) {
                throw new ChannelFailureException("Cannot redrive dead letter " + entry.messageId() + " of channel '"
                        + channel + "' to '" + targetChannel + "' on " + config.address() + ": " + e.getMessage()
                        + "; it stays a dead letter", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChannelFailureException("Interrupted while redriving dead letter " + entry.messageId()
                        + " of channel '" + channel + "'; it stays a dead letter", e);
            }
        }

        @Override
        public void remove(DeadLetterEntry entry) {
            try {
                amqp.basicAck(held(entry).getEnvelope().getDeliveryTag(), false);
                held.remove(entry.position());
            } catch (IOException | RuntimeException e) {
                throw failure(channel, "remove a dead letter of", e);
            }
        }

        @Override
        public void close() {
            try {
                if (!held.isEmpty() && amqp.isOpen()) {
                    amqp.basicNack(0, true, true); // every unacknowledged one back in its place, before the close
                }
            } catch (IOException | RuntimeException e) {
                // the channel is gone: the broker gives them back anyway
            }
            held.clear();
            closeQuietly(amqp);
        }

        private GetResponse held(DeadLetterEntry entry) {
            GetResponse response = held.get(entry.position());
            if (response == null || !entry.channel().equals(channel)) {
                throw new IllegalStateException("Dead letter " + entry.messageId() + " of channel '"
                        + entry.channel() + "' is not held by this browse of '" + channel + "'");
            }
            return response;
        }
    }

    /** The broker's own record of why it dead-lettered a message (its x-death header), in one line. */
    private static String brokerDetail(Map<String, Object> headers) {
        Object deaths = headers == null ? null : headers.get(WireFormat.X_DEATH);
        if (deaths instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> death) {
            return WireFormat.echo("dead-lettered by the broker: " + death.get("reason") + " from queue '"
                    + death.get("queue") + "' (" + death.get("count") + " time(s))");
        }
        return "dead-lettered without Courier's reason headers";
    }
}
