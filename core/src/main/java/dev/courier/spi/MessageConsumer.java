package dev.courier.spi;

import dev.courier.message.Message;
import java.time.Duration;

/**
 * Reads one channel for one message pump. Not thread-safe: each performer has its own consumer. Messages it returns
 * carry a {@linkplain Message#receipt() receipt} and must be settled exactly once, by {@link #acknowledge},
 * {@link #requeue} or {@link #reject}. A message that is never settled is redelivered after the consumer closes.
 */
public interface MessageConsumer extends AutoCloseable {

    /**
     * Waits up to {@code timeout} for the next message. Returns null when none arrived. The returned message's
     * {@code handledCount} says how many times it was requeued before, as the transport itself counted.
     *
     * @throws dev.courier.ChannelFailureException when the channel is broken (the pump backs off and retries)
     */
    Message receive(Duration timeout);

    /** Done with it: the broker forgets the message. */
    void acknowledge(Message message);

    /**
     * Puts the message back to be delivered again no sooner than {@code delay}, with its handled count one higher.
     */
    void requeue(Message message, Duration delay);

    /** Moves the message to this channel's dead letters, with the reason as headers. */
    void reject(Message message, DeadLetterReason reason);

    /**
     * Why this consumer cannot receive just now although nothing has failed yet (for example its connection is
     * down and the client is recovering it), or null when it can. Health checks call it from other threads, so it
     * must be cheap and thread-safe; the default is null.
     */
    default String unavailableReason() {
        return null;
    }

    /**
     * Why the broker holds back what this consumer publishes just now (a memory or disk alarm: requeues and dead
     * letters wait, receiving and acknowledging go on), or null. Cheap and thread-safe; the default is null.
     */
    default String blockedReason() {
        return null;
    }

    /**
     * Where this consumer reads from just now, for operators (a broker node's {@code host:port}: after a failover
     * it names the node the connection moved to), or null when that means nothing. Cheap and thread-safe; the
     * default is null.
     */
    default String endpoint() {
        return null;
    }

    /** Stops receiving. Unsettled messages go back to the channel. */
    @Override
    void close();
}
