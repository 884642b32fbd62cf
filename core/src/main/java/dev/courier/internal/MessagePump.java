package dev.courier.internal;

import dev.courier.Command;
import dev.courier.CommandProcessor;
import dev.courier.DeferMessageException;
import dev.courier.DuplicateMessageException;
import dev.courier.Event;
import dev.courier.PublishFailedException;
import dev.courier.RejectMessageException;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.message.Message;
import dev.courier.message.MessageMappers;
import dev.courier.message.MessageMappingException;
import dev.courier.message.MessageType;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One performer of one channel: receives a message, maps it, runs its handler through the processor, and settles
 * it by the decision table in docs/dispatcher.md. Never acknowledges before the handler finished. Stops fetching as
 * soon as it is asked to stop; the message in hand is finished and settled first.
 */
final class MessagePump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MessagePump.class);

    private final ChannelRunner channel;
    private final Subscription subscription;
    private final CommandProcessor processor;
    private final MessageMappers mappers;
    private final Clock clock;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    /** The last failure to receive or settle, until a receive succeeds again; null while healthy. */
    private volatile String failure;
    private volatile MessageConsumer consumer;

    MessagePump(ChannelRunner channel, CommandProcessor processor, MessageMappers mappers, Clock clock,
            Duration minBackoff, Duration maxBackoff) {
        this.channel = channel;
        this.subscription = channel.subscription();
        this.processor = processor;
        this.mappers = mappers;
        this.clock = clock;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Makes the consumer on the caller's thread, so that the channel exists (declared and bound) when
     * {@code Dispatcher.start()} returns. If it fails, the pump tries again in its loop, with backoff.
     */
    void prepare() {
        try {
            consumer = subscription.channelFactory().createConsumer(subscription);
        } catch (RuntimeException e) {
            failure = "cannot open the channel, retrying: " + e.getMessage();
            LOG.warn("Channel '{}' (topic '{}') could not be opened yet; its pump will retry: {}",
                    subscription.channel(), subscription.topic(), e.toString());
        }
    }

    /**
     * Why this pump cannot reach its channel just now, or null while it can (see ChannelState.Status.FAILING): its
     * own last failure, or what its consumer says (a connection being recovered under it). Any thread may ask.
     */
    String failure() {
        String own = failure;
        if (own != null) {
            return own;
        }
        MessageConsumer current = consumer;
        return current == null ? null : current.unavailableReason();
    }

    /** Asks the pump to stop fetching; it finishes and settles the message in hand first. */
    void requestStop() {
        running = false;
        stopped.countDown();
    }

    @Override
    public void run() {
        Duration backoff = minBackoff;
        try {
            while (running) {
                try {
                    if (consumer == null) {
                        consumer = subscription.channelFactory().createConsumer(subscription);
                    }
                    Message message = consumer.receive(subscription.receiveTimeout());
                    backoff = minBackoff;
                    if (failure != null) {
                        LOG.info("Channel '{}' (topic '{}') receives again", subscription.channel(),
                                subscription.topic());
                        failure = null;
                    }
                    if (message == null) {
                        continue;
                    }
                    if (!running) {
                        // Stop began while we waited: leave it unsettled; closing the consumer puts it back.
                        break;
                    }
                    process(message);
                } catch (RuntimeException e) {
                    failure = "failed, reconnecting in " + backoff.toMillis() + " ms: " + e.getMessage();
                    LOG.warn("Channel '{}' (topic '{}') failed; retrying in {} ms: {}", subscription.channel(),
                            subscription.topic(), backoff.toMillis(), e.toString());
                    closeConsumer();
                    pause(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
                }
            }
        } finally {
            closeConsumer();
            channel.pumpExited(this);
        }
    }

    private void process(Message message) {
        if (message.header().messageType() == MessageType.QUIT && subscription.acceptQuit()) {
            consumer.acknowledge(message);
            LOG.info("Channel '{}' received a quit message; this performer stops", subscription.channel());
            running = false;
            return;
        }
        Request request;
        try {
            if (message.header().messageType() == MessageType.QUIT) {
                throw new MessageMappingException(message.topic(), message.id(), "it is a QUIT message, and this "
                        + "subscription does not accept them (Subscription.acceptQuit)");
            }
            if (message.header().messageType() == MessageType.UNACCEPTABLE) {
                throw new MessageMappingException(message.topic(), message.id(),
                        "the transport marked it unacceptable: " + message.header().bag().getOrDefault(
                                DeadLetterReason.DETAIL, "no detail"));
            }
            request = mappers.toRequest(message, subscription.requestTypes());
        } catch (RuntimeException e) {
            deadLetter(message, "unacceptable", e, message.header().handledCount());
            channel.unacceptable(e.getMessage());
            return;
        }
        try {
            if (request instanceof Command command) {
                processor.send(command, message);
            } else if (request instanceof Event event) {
                processor.publish(event, message);
            } else {
                throw new RejectMessageException(request.getClass().getName() + " is neither a Command nor an Event");
            }
        } catch (RuntimeException | Error e) {
            failed(message, e);
            return;
        }
        consumer.acknowledge(message);
        channel.acknowledged();
    }

    private void failed(Message message, Throwable failure) {
        if (onlyDuplicates(failure)) {
            // @UseInbox found it already handled by every handler that failed: a redelivery of finished work.
            // Requeueing would only fail the same way until it is dead-lettered; the work is done, so acknowledge.
            LOG.info("Acknowledging {} on '{}' without handling it: {}", message.id(), subscription.channel(),
                    failure.getMessage());
            consumer.acknowledge(message);
            channel.acknowledged();
            return;
        }
        int attempts = message.header().handledCount() + 1;
        RejectMessageException reject = find(failure, RejectMessageException.class);
        if (reject != null) {
            deadLetter(message, "rejected", reject, attempts);
            return;
        }
        if (attempts > subscription.requeueCount()) {
            deadLetter(message, "handler-failed", failure, attempts);
            return;
        }
        DeferMessageException defer = find(failure, DeferMessageException.class);
        Duration delay = defer != null ? defer.delay() : subscription.requeueDelay();
        LOG.info("Requeueing {} on '{}' in {} ms after attempt {} of {}: {}", message.id(), subscription.channel(),
                delay.toMillis(), attempts, subscription.requeueCount() + 1, failure.toString());
        consumer.requeue(message, delay);
        channel.requeued();
    }

    private void deadLetter(Message message, String reason, Throwable cause, int attempts) {
        Throwable root = cause;
        DeadLetterReason why = new DeadLetterReason(reason, String.valueOf(root.getMessage()),
                root.getClass().getName(), message.topic(), attempts, clock.instant());
        LOG.warn("Dead-lettering {} from '{}' ({}): {}", message.id(), subscription.channel(), reason,
                why.detail());
        consumer.reject(message, why);
        channel.deadLettered();
    }

    /** Whether the failure is a duplicate, or a publish whose every failed handler had already handled it. */
    static boolean onlyDuplicates(Throwable failure) {
        if (failure instanceof DuplicateMessageException) {
            return true;
        }
        return failure instanceof PublishFailedException publish && !publish.failures().isEmpty()
                && publish.failures().stream().allMatch(f -> f instanceof DuplicateMessageException);
    }

    /** The first throwable of {@code type} in the cause chain or among suppressed (publish failures). */
    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(failure);
        int guard = 0;
        while (!todo.isEmpty() && guard++ < 100) {
            Throwable t = todo.removeFirst();
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() != null && t.getCause() != t) {
                todo.add(t.getCause());
            }
            for (Throwable s : t.getSuppressed()) {
                todo.add(s);
            }
        }
        return null;
    }

    private void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing consumer of '{}' failed: {}", subscription.channel(), e.toString());
            }
            consumer = null;
        }
    }

    private void pause(Duration duration) {
        try {
            stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
