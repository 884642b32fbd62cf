package dev.courier.spi;

/**
 * A broker as Courier sees it: a producer for sending, consumers for reading channels, and one {@link #close()} for
 * both. The same object serves a {@code Subscription} ({@code transport(rabbit)}), a processor's producers
 * ({@code Producers.of(rabbit)}) and its reply channel ({@code replyChannel(rabbit)}). Creating a consumer also
 * makes sure its channel exists (a queue bound to the topic), as far as the transport's topology mode allows.
 */
public interface Transport extends AutoCloseable {

    /** The producer that sends to this broker; thread-safe. */
    MessageProducer producer();

    /** A consumer of {@code channel} for one message pump. */
    MessageConsumer createConsumer(ChannelSpec channel);

    /**
     * A consumer that offers each message to {@code listener} on the transport's delivery thread as it arrives; a
     * message the listener declines is kept for {@link MessageConsumer#receive} as usual. Its {@code acknowledge},
     * {@code requeue} and {@code reject} may be called from the listener and from the thread that calls
     * {@code receive} at once. {@code receive} still throws when the channel is broken (also after the listener
     * threw), so one thread calling it keeps watching the channel.
     *
     * <p>The default offers nothing: every message comes through {@code receive}, which is also correct, only one
     * thread hand-off slower.
     */
    default MessageConsumer createConsumer(ChannelSpec channel, MessageListener listener) {
        return createConsumer(channel);
    }

    /** Releases the broker connection, if the transport owns one; the default does nothing. */
    @Override
    default void close() {}
}
