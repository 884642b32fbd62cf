package dev.courier.test.contract;

import dev.courier.spi.ChannelSpec;
import dev.courier.message.Message;
import dev.courier.spi.Transport;
import dev.courier.spi.MessageProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What {@link TransportContract} (and other contract suites that need a broker) ask of a transport: a producer, the
 * transport, a view of the dead letters, and control over time. One fixture is made per test and closed after
 * it; it must clean up whatever it created on a shared broker (queues, exchanges).
 *
 * <p>A fixture for an in-process broker runs on a manual clock and moves it in {@link #passTime}; a fixture for a
 * real broker returns the system clock and lets real time pass.
 */
public interface TransportFixture extends AutoCloseable {

    /**
     * The producer the tests send with. The same instance on every call; the fixture closes it in {@link #close()}.
     */
    MessageProducer producer();

    /**
     * The transport the tests make consumers with. Creating a consumer must declare its channel (queue) and bind it to
     * the channel's topic before {@code createConsumer} returns, because tests send right after creating it.
     */
    Transport transport();

    /**
     * Everything dead-lettered on the channel so far, oldest first, each with the
     * {@link dev.courier.spi.DeadLetterReason#asHeaders() reason headers} in its header bag. Tests call it
     * repeatedly while they wait, so it must not block for long. A real broker's fixture reads the channel's
     * dead-letter queue; if reading consumes the messages, it keeps what it read so that later calls return it again.
     */
    List<Message> deadLetters(ChannelSpec channel);

    /**
     * The clock the transport measures delays with. Tests read it to check that a delay held. A real broker's fixture
     * returns {@link Clock#systemUTC()}.
     */
    Clock clock();

    /**
     * Lets {@code duration} pass for the transport: an in-process broker's fixture advances its manual clock (and so
     * wakes receivers whose delayed messages became due); a real broker's fixture does nothing, because the tests
     * then wait with a deadline for real time to pass.
     */
    void passTime(Duration duration);

    /**
     * A topic name that starts with {@code base} and is unique to this test run, so that tests on a shared broker
     * never see each other's messages. Channel names are made from it by appending a suffix such as {@code ".a"}.
     * Must be a valid topic and queue name on the broker (letters, digits, dots, dashes).
     */
    String uniqueTopic(String base);

    /** Closes the producer and deletes what the fixture created (queues, exchanges, connections). */
    @Override
    void close();
}
