package dev.courier.internal;

import dev.courier.ChannelState;
import dev.courier.ContextPropagator;
import dev.courier.CourierListener;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One subscribed channel inside a dispatcher: its performers, its state and its counters. */
public final class ChannelRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelRunner.class);

    /** What a pump needs from its dispatcher, fixed when the dispatcher is built. */
    public record Settings(LocalHandling handling, MessageMappers mappers, Clock clock, ThreadFactory threads,
            Duration minBackoff, Duration maxBackoff, CourierListener listener, ContextPropagator propagator) {}

    private final Subscription subscription;
    private final Settings settings;
    private final UnacceptableWindow unacceptable;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong requeued = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final List<MessagePump> pumps = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ChannelState.Status status = ChannelState.Status.STOPPED;
    private String reason = "not started";

    public ChannelRunner(Subscription subscription, Settings settings) {
        this.subscription = subscription;
        this.settings = settings;
        this.unacceptable = new UnacceptableWindow(subscription.unacceptableLimit(),
                subscription.unacceptableWindow(), settings.clock());
    }

    public Subscription subscription() {
        return subscription;
    }

    /** Starts one pump thread per performer, unless it is running already. */
    public synchronized void start() {
        if (status == ChannelState.Status.RUNNING) {
            return;
        }
        threads.removeIf(t -> !t.isAlive());
        unacceptable.reset();
        for (int i = 1; i <= subscription.performers(); i++) {
            MessagePump pump = new MessagePump(this, settings.handling(), settings.mappers(), settings.clock(),
                    settings.minBackoff(), settings.maxBackoff(), settings.listener(), settings.propagator());
            pump.prepare();
            Thread thread = settings.threads().newThread(pump);
            thread.setName("courier-pump-" + subscription.channel() + "-" + i);
            pumps.add(pump);
            threads.add(thread);
        }
        status = ChannelState.Status.RUNNING;
        reason = "";
        for (Thread thread : threads) {
            if (thread.getState() == Thread.State.NEW) {
                thread.start();
            }
        }
        LOG.info("Channel '{}' on topic '{}' started with {} performer(s)", subscription.channel(),
                subscription.topic(), subscription.performers());
    }

    /** Asks every pump to stop fetching; each finishes and settles the message in hand. */
    public synchronized void halt(ChannelState.Status newStatus, String why) {
        if (status == ChannelState.Status.RUNNING) {
            status = newStatus;
            reason = why;
        }
        pumps.forEach(MessagePump::requestStop);
        pumps.clear();
    }

    /** Waits until the pump threads have ended or the deadline passed; true if all ended. */
    public boolean awaitStopped(long deadlineNanos) {
        List<Thread> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(threads);
        }
        for (Thread thread : snapshot) {
            long left = deadlineNanos - System.nanoTime();
            try {
                if (left > 0) {
                    thread.join(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Interrupts pump threads that are still alive after a stop timed out. */
    public synchronized void interrupt() {
        threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
    }

    /** The state; a running channel with a performer whose channel is failing reads {@code FAILING}. */
    public synchronized ChannelState state() {
        int alive = (int) threads.stream().filter(Thread::isAlive).count();
        ChannelState.Status shown = status;
        String why = reason;
        if (status == ChannelState.Status.RUNNING) {
            for (MessagePump pump : pumps) {
                String failure = pump.failure();
                if (failure != null) {
                    shown = ChannelState.Status.FAILING;
                    why = failure;
                    break;
                }
                String blocked = pump.blocked();
                if (blocked != null) {
                    shown = ChannelState.Status.BLOCKED;
                    why = blocked;
                }
            }
        }
        String endpoint = String.join(", ", pumps.stream().map(MessagePump::endpoint)
                .filter(java.util.Objects::nonNull).distinct().sorted().toList());
        return new ChannelState(subscription.channel(), subscription.topic(), shown, why, alive,
                acknowledged.get(), requeued.get(), deadLettered.get(), endpoint);
    }

    void acknowledged() {
        acknowledged.incrementAndGet();
    }

    void requeued() {
        requeued.incrementAndGet();
    }

    void deadLettered() {
        deadLettered.incrementAndGet();
    }

    void unacceptable(String detail) {
        if (unacceptable.recordAndCheck()) {
            String why = "more than " + subscription.unacceptableLimit() + " unacceptable messages within "
                    + subscription.unacceptableWindow() + "; last: " + detail + ". Fix the producer, then open() it";
            LOG.error("Pausing channel '{}': {}", subscription.channel(), why);
            halt(ChannelState.Status.PAUSED, why);
            settings.listener().channelPaused(subscription.channel(), why);
        }
    }

    synchronized void pumpExited(MessagePump pump) {
        pumps.remove(pump);
        threads.remove(Thread.currentThread());
        if (status == ChannelState.Status.RUNNING && pumps.isEmpty()) {
            status = ChannelState.Status.STOPPED;
            reason = "every performer ended";
        }
    }
}
