package dev.courier.spi;

import java.util.Optional;

/**
 * One pass over a channel's dead letters, oldest first, from a {@link DeadLetterQueue}. What it has read is held for
 * it (on RabbitMQ: fetched and not acknowledged, so no one else sees it) until it redrives or removes it, or until
 * {@link #close()} puts back everything still held, in order. A browse reads what is there, oldest first, and ends
 * when none is left or when it meets a message it redrove itself that was dead-lettered again meanwhile: no message
 * is met twice in one browse. Not thread-safe: one thread uses a browser.
 */
public interface DeadLetterBrowser extends AutoCloseable {

    /**
     * How many dead letters the channel held when the browse began, as the broker counted them: for a progress
     * display; the browse itself reads until none is left.
     */
    long size();

    /** The next dead letter, held; empty when none is left or the browse has come round to one it redrove. */
    Optional<DeadLetterEntry> next();

    /**
     * Sends a held dead letter to the work queue of {@code targetChannel} (its own channel or another one) with a
     * fresh attempt count and {@link DeadLetterEntry#redrivenBag the redrive's record}, waits until the broker has
     * it, and only then removes it from the dead letters: a crash in between gives a duplicate, never a loss.
     *
     * @throws dev.courier.ChannelFailureException when the target does not exist or the broker did not take the copy;
     *                                             the dead letter stays held and goes back on {@link #close()}
     */
    void redrive(DeadLetterEntry entry, String targetChannel);

    /** Deletes a held dead letter for good. */
    void remove(DeadLetterEntry entry);

    /** Puts back every dead letter still held, in its place. */
    @Override
    void close();
}
