package dev.courier.internal;

import dev.courier.Command;
import dev.courier.ContextPropagator;
import dev.courier.CourierListener;
import dev.courier.Event;
import dev.courier.MdcKeys;
import dev.courier.MessageRecoverer;
import dev.courier.RejectMessageException;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One performer of one channel: receives a message, maps it, runs its handler through {@link LocalHandling}, and
 * settles it as {@link Settlement} decides (the decision table in docs/dispatcher.md). Never acknowledges before
 * the handler finished. Stops fetching as soon as it is asked to stop; the message in hand is finished and settled
 * first.
 */
final class MessagePump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MessagePump.class);

    private final ChannelRunner channel;
    private final Subscription subscription;
    private final LocalHandling handling;
    private final MessageMappers mappers;
    private final Clock clock;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    /** The last failure to receive or settle, until a receive succeeds again; null while healthy. */
    private volatile String failure;
    private volatile MessageConsumer consumer;
    private final CourierListener listener;
    private final ContextPropagator propagator;
    private final String channelName;

    MessagePump(ChannelRunner channel, LocalHandling handling, MessageMappers mappers, Clock clock,
            Duration minBackoff, Duration maxBackoff, CourierListener listener, ContextPropagator propagator) {
        this.listener = listener;
        this.propagator = propagator;
        this.channelName = channel.subscription().channel();
        this.channel = channel;
        this.subscription = channel.subscription();
        this.handling = handling;
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
            consumer = subscription.transport().createConsumer(subscription.channelSpec());
        } catch (RuntimeException e) {
            failure = "cannot open the channel, retrying: " + e.getMessage();
            listener.channelFailing(channelName, failure);
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

    /** Where this pump's consumer reads from, or null. Any thread may ask. */
    String endpoint() {
        MessageConsumer current = consumer;
        return current == null ? null : current.endpoint();
    }

    /** Why the broker blocks what this pump's consumer publishes, or null. Any thread may ask. */
    String blocked() {
        MessageConsumer current = consumer;
        return current == null ? null : current.blockedReason();
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
                        consumer = subscription.transport().createConsumer(subscription.channelSpec());
                    }
                    Message message = consumer.receive(subscription.receiveTimeout());
                    backoff = minBackoff;
                    if (failure != null) {
                        LOG.info("Channel '{}' (topic '{}') receives again", subscription.channel(),
                                subscription.topic());
                        failure = null;
                        listener.channelRecovered(channelName);
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
                    listener.channelFailing(channelName, failure);
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

    /**
     * Handles and settles one message with its ids in SLF4J's MDC ({@link MdcKeys}), so that every log line written
     * meanwhile, the handler's own included, says which message it is about; the keys are removed afterwards.
     */
    private void process(Message message) {
        MDC.put(MdcKeys.MESSAGE_ID, message.id().toString());
        MDC.put(MdcKeys.CHANNEL, subscription.channel());
        if (message.header().correlationId() != null) {
            MDC.put(MdcKeys.CORRELATION_ID, message.header().correlationId().toString());
        }
        try (ContextPropagator.Scope context = Contexts.restore(propagator, message, subscription.channel())) {
            decideAndSettle(message);
        } finally {
            MDC.remove(MdcKeys.MESSAGE_ID);
            MDC.remove(MdcKeys.CHANNEL);
            MDC.remove(MdcKeys.CORRELATION_ID);
        }
    }

    private void decideAndSettle(Message message) {
        listener.received(channelName, message);
        Settlement.Decision decision = Settlement.admit(message, subscription);
        if (decision == null) {
            Request request = null;
            try {
                request = mappers.toRequest(message, subscription.requestTypes());
            } catch (RuntimeException e) {
                decision = Settlement.unacceptable(message, e);
                channel.unacceptable(e.getMessage());
                listener.unacceptable(channelName, message, e);
            }
            if (request != null) {
                if (listener == CourierListener.NONE) {
                    decision = Settlement.afterHandling(message, handle(request, message), subscription);
                } else {
                    long start = System.nanoTime();
                    Throwable failure = handle(request, message);
                    listener.handled(channelName, message, System.nanoTime() - start, failure);
                    decision = Settlement.afterHandling(message, failure, subscription);
                }
            }
        } else if (decision instanceof Settlement.GiveUp giveUp) {
            listener.unacceptable(channelName, message, giveUp.cause());
        }
        settle(message, decision);
    }

    /** Runs the request's handlers; returns what they threw, or null. */
    private Throwable handle(Request request, Message message) {
        try {
            if (request instanceof Command command) {
                handling.send(command, message);
            } else if (request instanceof Event event) {
                handling.publish(event, message);
            } else {
                throw new RejectMessageException(request.getClass().getName() + " is neither a Command nor an Event");
            }
            return null;
        } catch (RuntimeException | Error e) {
            return e;
        }
    }

    private void settle(Message message, Settlement.Decision decision) {
        if (decision instanceof Settlement.Acknowledge ack) {
            if (ack.note() != null) {
                LOG.info("Acknowledging {} on '{}' without handling it: {}", message.id(), subscription.channel(),
                        ack.note());
            }
            consumer.acknowledge(message);
            channel.acknowledged();
            listener.acknowledged(channelName, message);
        } else if (decision instanceof Settlement.Requeue requeue) {
            LOG.info("Requeueing {} on '{}' in {} ms after attempt {} of {}: {}", message.id(),
                    subscription.channel(), requeue.delay().toMillis(), requeue.attempts(),
                    subscription.requeueCount() + 1, requeue.cause().toString());
            consumer.requeue(message, requeue.delay());
            channel.requeued();
            listener.requeued(channelName, message, requeue.delay(), requeue.attempts());
        } else if (decision instanceof Settlement.GiveUp giveUp) {
            giveUp(message, giveUp);
        } else {
            consumer.acknowledge(message);
            LOG.info("Channel '{}' received a quit message; this performer stops", subscription.channel());
            running = false;
        }
    }

    /** Hands the message to the subscription's recoverer, and dead-letters it unless the recoverer took it. */
    private void giveUp(Message message, Settlement.GiveUp giveUp) {
        Throwable cause = giveUp.cause();
        DeadLetterReason why = new DeadLetterReason(giveUp.reason(), String.valueOf(cause.getMessage()),
                cause.getClass().getName(), message.topic(), giveUp.attempts(), clock.instant());
        MessageRecoverer.Recovery recovery;
        try {
            recovery = subscription.recoverer().recover(message, why);
        } catch (Exception | Error e) {
            LOG.error("The recoverer of channel '{}' failed on {}; dead-lettering it instead: {}",
                    subscription.channel(), message.id(), e.toString());
            recovery = MessageRecoverer.Recovery.DEAD_LETTER;
        }
        if (recovery == MessageRecoverer.Recovery.ACKNOWLEDGE) {
            LOG.warn("Giving up on {} from '{}' ({}); its recoverer took it: {}", message.id(),
                    subscription.channel(), giveUp.reason(), why.detail());
            consumer.acknowledge(message);
            channel.deadLettered();
            listener.deadLettered(channelName, message, why);
            return;
        }
        LOG.warn("Dead-lettering {} from '{}' ({}): {}", message.id(), subscription.channel(), giveUp.reason(),
                why.detail());
        consumer.reject(message, why);
        channel.deadLettered();
        listener.deadLettered(channelName, message, why);
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
