package dev.courier.spring.boot.autoconfigure;

import dev.courier.runtime.Dispatcher;
import dev.courier.runtime.OutboxSweeper;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the Dispatcher's pumps and the outbox sweeper when the application context is refreshed, and stops them when it
 * closes: after the web server has stopped taking requests (so a request in flight still deposits and sends), before
 * the DataSource and the broker connections are closed. Stopping lets each pump finish the message it holds, for up
 * to {@code courier.shutdown-timeout}; a message cut short is not acknowledged, so the broker delivers it again.
 */
public final class CourierLifecycle implements SmartLifecycle {
    /** Below the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its stop ({@code - 2048}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final Logger LOG = LoggerFactory.getLogger(CourierLifecycle.class);

    private final Dispatcher dispatcher;
    private final OutboxSweeper sweeper;
    private final Duration shutdownTimeout;
    private volatile boolean running;
    private volatile boolean stopped;

    /** Either may be null: no subscriptions, or no sweeper. */
    public CourierLifecycle(Dispatcher dispatcher, OutboxSweeper sweeper, Duration shutdownTimeout) {
        this.dispatcher = dispatcher;
        this.sweeper = sweeper;
        this.shutdownTimeout = shutdownTimeout;
    }

    @Override
    public void start() {
        if (stopped) {
            throw new IllegalStateException("Courier's pumps and sweeper cannot start again after they stopped (their "
                    + "threads are gone): restart the application context rather than stop() and start() it");
        }
        if (dispatcher != null) {
            dispatcher.start();
        }
        if (sweeper != null) {
            sweeper.start();
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        stopped = true;
        if (dispatcher != null && !dispatcher.stop(shutdownTimeout)) {
            LOG.warn("Courier's pumps did not finish within {}; the messages they held were not acknowledged and "
                    + "will be delivered again", shutdownTimeout);
        }
        if (sweeper != null) {
            sweeper.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
