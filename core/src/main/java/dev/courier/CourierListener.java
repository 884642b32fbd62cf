package dev.courier;

import dev.courier.message.Message;
import dev.courier.spi.DeadLetterReason;
import java.time.Duration;

/**
 * Sees the steps of every message's life, for metrics, traces and audits (in the spirit of OkHttp's
 * {@code EventListener}). Register one with {@code CommandProcessor.builder().listener(...)} (a Dispatcher built on
 * that processor reports to it too) and {@code OutboxSweeper.builder(...).listener(...)}. Every method does nothing
 * by default: implement those you need. Without a listener ({@link #NONE}, the default) nothing is timed or
 * built for it.
 *
 * <p>Methods are called on the thread that did the step (the caller's, a pump's, the client's confirm thread, the
 * sweeper's), so they must be quick and thread-safe. What a method throws is caught and logged at WARN: a listener
 * never changes what happens to a message. Durations are in nanoseconds, measured with {@link System#nanoTime()}.
 * The message's content is the application's: a listener should read its header, not its body.
 */
public interface CourierListener {
    /** The listener that listens to nothing: the default. */
    CourierListener NONE = new CourierListener() {};

    /** {@code send} or {@code publish} ran the handlers of {@code request} in process; {@code failure} or null. */
    default void handledInProcess(Request request, long nanos, Throwable failure) {}

    /** A posted message was stored in the outbox ({@code post}, {@code postAsync}, {@code postFor}, {@code depositPost}). */
    default void deposited(Message message) {}

    /**
     * A message is about to be handed to its producer (right after a post commits, or by a sweep or a repost);
     * {@link #dispatched} or {@link #notDispatched} follows for it, on whichever thread learns the outcome.
     */
    default void sending(Message message) {}

    /** The broker confirmed a message and the outbox marked it dispatched (after a post, a clear, a repost or a sweep). */
    default void dispatched(Message message) {}

    /** A message was not sent or not confirmed; it stays outstanding in the outbox for the sweeper. */
    default void notDispatched(Message message, Throwable cause) {}

    /** A Dispatcher's channel received a message, before mapping it. */
    default void received(String channel, Message message) {}

    /** A received message could not be mapped to a request: it is given up without running a handler. */
    default void unacceptable(String channel, Message message, Throwable cause) {}

    /** The handlers of a received message ran; {@code failure} is what they threw, or null. */
    default void handled(String channel, Message message, long nanos, Throwable failure) {}

    /** A received message was acknowledged: the broker forgets it. */
    default void acknowledged(String channel, Message message) {}

    /** A received message was put back, to come again after {@code delay}; {@code attempts} handlings failed so far. */
    default void requeued(String channel, Message message, Duration delay, int attempts) {}

    /** A received message was given up: dead-lettered, or taken by the subscription's recoverer. */
    default void deadLettered(String channel, Message message, DeadLetterReason reason) {}

    /** A channel's performer cannot receive just now (it retries with backoff); {@code reason} says why. */
    default void channelFailing(String channel, String reason) {}

    /** A channel's performer receives again after {@link #channelFailing}. */
    default void channelRecovered(String channel) {}

    /** A channel paused itself (too many unacceptable messages; {@code reason} says which); it stays paused until opened. */
    default void channelPaused(String channel, String reason) {}

    /** A reply reached the caller of {@code call} or {@code postFor} that waited for it. */
    default void replyMatched(Message reply) {}

    /** A reply came for nobody (its caller timed out or is gone): acknowledged and dropped. */
    default void replyDropped(Message reply) {}

    /** One sweep pass of an outbox sweeper: messages claimed and sent (and marked dispatched), and how many failed. */
    default void swept(int sent, int failed) {}
}
