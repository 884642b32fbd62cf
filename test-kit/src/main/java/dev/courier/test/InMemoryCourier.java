package dev.courier.test;

import dev.courier.spi.MessageProducer;
import dev.courier.transport.inmemory.ChannelStats;
import dev.courier.transport.inmemory.InMemoryBroker;
import dev.courier.transport.inmemory.InMemoryTransport;
import dev.courier.transport.inmemory.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives each test a fresh in-memory broker on a {@link ManualClock} and a transport over
 * it, and closes whatever the test registered with {@link #closeAfter} when it ends, last first. An application's test
 * wires these in where production code wires RabbitMQ (a database of the test's own, such as H2 in memory, goes in
 * {@code closeAfter} too):
 *
 * <pre>{@code
 * @RegisterExtension final InMemoryCourier courier = new InMemoryCourier();
 *
 * @Test void reminderIsMailed() {
 *     CommandProcessor processor = courier.closeAfter(CommandProcessor.builder()
 *             .handlers(handlers).mappers(mappers).producers(Producers.of(courier.transport())).build());
 *     processor.post(new TaskReminder(...));
 *     ... // a Dispatcher on courier.transport(), also closed after the test
 *     courier.broker().awaitAcknowledged("task.reminder", 1, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * Delays (requeue delays, delayed posts) stand still until the test calls {@link InMemoryBroker#advanceClock}: no
 * sleeping, no flaky timing. Check what happened before a delay, then advance the clock past it.
 */
public final class InMemoryCourier implements BeforeEachCallback, AfterEachCallback {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private ManualClock clock;
    private InMemoryBroker broker;
    private InMemoryTransport transport;

    @Override
    public void beforeEach(ExtensionContext context) {
        clock = new ManualClock();
        broker = InMemoryBroker.builder().clock(clock).build();
        transport = InMemoryTransport.over(broker);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes {@code resource} after the test, in reverse order of registration; returns it. */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        resources.push(resource);
        return resource;
    }

    public InMemoryBroker broker() {
        return broker;
    }

    public InMemoryTransport transport() {
        return transport;
    }

    /** The broker's clock; it moves only when a test moves it. */
    public ManualClock clock() {
        return clock;
    }

    /** A producer on the broker, closed after the test. */
    public MessageProducer producer() {
        return closeAfter(transport.producer());
    }

    /** How many messages on {@code channel} wait for their delay (a pump requeued them, or they were posted late). */
    public long delayed(String channel) {
        return stats(channel).delayed();
    }

    private ChannelStats stats(String channel) {
        return broker.stats(channel);
    }
}
