package dev.courier.spi;

import dev.courier.message.Message;

/**
 * Is offered each message of a listening consumer ({@link Transport#createConsumer(ChannelSpec,
 * MessageListener)}) on the transport's own delivery thread, as soon as it arrives: one thread hand-off less than
 * {@link MessageConsumer#receive}, for readers where latency matters, such as a processor's reply channel.
 */
@FunctionalInterface
public interface MessageListener {

    /**
     * Either takes the message, settles it on {@code consumer} and returns true, or returns false to leave it for
     * {@code consumer.receive}, untouched. Called for one message at a time, in delivery order. Must be quick and
     * must not block (it holds up the transport's delivery of every later message); must not throw: an exception
     * makes the consumer broken, so that its {@code receive} throws and its owner replaces it.
     */
    boolean offer(Message message, MessageConsumer consumer);
}
