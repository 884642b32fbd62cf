package dev.courier.spi;

import dev.courier.Subscription;

/**
 * Makes consumers for a subscription: the transport's side of a channel. Creating a consumer also makes sure the
 * channel exists (a queue bound to the subscription's topic), as the transport's topology mode allows.
 */
public interface ChannelFactory {
    MessageConsumer createConsumer(Subscription subscription);
}
