package dev.courier.spi;

import dev.courier.Subscription;

/**
 * Makes consumers for a subscription: the transport's side of a channel. Creating a consumer also makes sure the
 * channel exists (a queue bound to the subscription's topic), as the transport's topology mode allows.
 */
public interface ChannelFactory {
    MessageConsumer createConsumer(Subscription subscription);

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
    default MessageConsumer createConsumer(Subscription subscription, MessageListener listener) {
        return createConsumer(subscription);
    }
}
