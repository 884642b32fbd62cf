package dev.courier.spi;

/**
 * A transport's dead letters, for the people who operate it: count them and browse them, to read, redrive, move or
 * purge them ({@code dev.courier.runtime.DeadLetters} builds the filtered operations on this). Implemented by the
 * in-memory and the RabbitMQ transports; thread-safe; each browse is its own.
 */
public interface DeadLetterQueue {

    /**
     * How many dead letters {@code channel} holds.
     *
     * @throws dev.courier.ChannelFailureException when the channel has no dead letters queue (not declared) or the
     *                                             broker cannot be reached
     */
    long count(String channel);

    /** Starts a pass over {@code channel}'s dead letters; close it to put back what it holds. */
    DeadLetterBrowser browse(String channel);
}
