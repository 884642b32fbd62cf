package dev.courier.runtime;

import dev.courier.spi.DeadLetterBrowser;
import dev.courier.spi.DeadLetterEntry;
import dev.courier.spi.DeadLetterFilter;
import dev.courier.spi.DeadLetterQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does with dead letters, over a transport's {@link DeadLetterQueue}: list and filter them, show
 * one, redrive them to their channel or move them to another, purge them. Every operation is one pass over the
 * dead letters that were there when it began, oldest first; what it does not take goes back in its place.
 *
 * <pre>{@code
 * DeadLetters deadLetters = DeadLetters.over(rabbit.deadLetters());
 * DeadLetterFilter failed = DeadLetterFilter.builder().reason("handler-failed").build();
 * DeadLetters.Page page = deadLetters.list("task.reminder", failed, 0, 20);
 * DeadLetters.Report report = deadLetters.redrive("task.reminder", failed, null, DeadLetters.Progress.NONE);
 * }</pre>
 *
 * <p>Redrive is at least once: each copy is taken by the broker before its dead letter is removed, so a process that
 * dies mid-way loses nothing, and a second run redrives at most the one message it was between copy and removal of
 * again (a duplicate its handler sees twice). Thread-safe; operations on one channel at once each see what the other
 * does not hold.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final DeadLetterQueue queue;

    private DeadLetters(DeadLetterQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    public static DeadLetters over(DeadLetterQueue queue) {
        return new DeadLetters(queue);
    }

    /** How many dead letters {@code channel} holds. */
    public long count(String channel) {
        return queue.count(requireChannel(channel));
    }

    /**
     * The {@code limit} dead letters matching {@code filter} after skipping {@code offset} matching ones, oldest
     * first, with how many match in all.
     */
    public Page list(String channel, DeadLetterFilter filter, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be 0 or more and limit 1 or more, but were " + offset
                    + " and " + limit);
        }
        List<DeadLetterEntry> entries = new ArrayList<>();
        long matched = 0;
        long read = 0;
        try (DeadLetterBrowser browser = queue.browse(requireChannel(channel))) {
            for (Optional<DeadLetterEntry> next = browser.next(); next.isPresent(); next = browser.next()) {
                read++;
                if (filter.matches(next.get())) {
                    if (matched >= offset && entries.size() < limit) {
                        entries.add(next.get());
                    }
                    matched++;
                }
            }
            return new Page(List.copyOf(entries), matched, read);
        }
    }

    /** The dead letter with message id {@code messageId} (the first, if a duplicate holds the same id). */
    public Optional<DeadLetterEntry> show(String channel, String messageId) {
        Objects.requireNonNull(messageId, "messageId");
        try (DeadLetterBrowser browser = queue.browse(requireChannel(channel))) {
            for (Optional<DeadLetterEntry> next = browser.next(); next.isPresent(); next = browser.next()) {
                if (next.get().messageId().equals(messageId)) {
                    return next;
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Sends the dead letters matching {@code filter} back to {@code channel} (when {@code target} is null) or to
     * {@code target}'s work queue, each with a fresh attempt count and the redrive's record in its headers
     * ({@link DeadLetterEntry#REDRIVE_COUNT} and the rest); the others stay where they are.
     *
     * @throws dev.courier.ChannelFailureException when a copy cannot be sent (the target does not exist, the broker
     *                                             went away): what was redriven before stays redriven, the rest stays
     */
    public Report redrive(String channel, DeadLetterFilter filter, String target, Progress progress) {
        return redrive(channel, filter, target, progress, 0);
    }

    /**
     * {@link #redrive(String, DeadLetterFilter, String, Progress)} at most {@code maxPerSecond} messages a second
     * (0 for no limit), so that a large redrive does not flood the handlers.
     */
    public Report redrive(String channel, DeadLetterFilter filter, String target, Progress progress,
            int maxPerSecond) {
        String to = target == null ? requireChannel(channel) : requireChannel(target);
        return apply(channel, filter, progress, maxPerSecond, (browser, entry) -> browser.redrive(entry, to),
                "redriven to '" + to + "'");
    }

    /** Deletes the dead letters matching {@code filter} for good; returns how many. */
    public Report purge(String channel, DeadLetterFilter filter) {
        return apply(channel, filter, Progress.NONE, 0, DeadLetterBrowser::remove, "purged");
    }

    private Report apply(String channel, DeadLetterFilter filter, Progress progress, int maxPerSecond,
            Action action, String what) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(progress, "progress");
        if (maxPerSecond < 0) {
            throw new IllegalArgumentException("maxPerSecond must be 0 (no limit) or more but was " + maxPerSecond);
        }
        long pause = maxPerSecond == 0 ? 0 : 1_000_000_000L / maxPerSecond;
        long done = 0;
        long scanned = 0;
        long next = System.nanoTime();
        try (DeadLetterBrowser browser = queue.browse(requireChannel(channel))) {
            for (Optional<DeadLetterEntry> entry = browser.next(); entry.isPresent(); entry = browser.next()) {
                scanned++;
                if (filter.matches(entry.get())) {
                    if (pause > 0) {
                        LockSupport.parkNanos(next - System.nanoTime());
                        next = Math.max(next + pause, System.nanoTime() - pause);
                    }
                    action.apply(browser, entry.get());
                    done++;
                }
                progress.update(scanned, Math.max(browser.size(), scanned), done);
            }
            LOG.info("{} dead letter(s) of channel '{}' {} ({} read, filter {})", done, channel, what, scanned,
                    filter.describe());
            return new Report(scanned, done);
        }
    }

    private static String requireChannel(String channel) {
        Objects.requireNonNull(channel, "channel");
        if (channel.isBlank()) {
            throw new IllegalArgumentException("channel must not be blank");
        }
        return channel;
    }

    @FunctionalInterface
    private interface Action {
        void apply(DeadLetterBrowser browser, DeadLetterEntry entry);
    }

    /**
     * A page of a listing.
     *
     * @param entries the dead letters on this page, oldest first
     * @param matched how many match the filter in all
     * @param total   how many dead letters the listing read: all the channel held
     */
    public record Page(List<DeadLetterEntry> entries, long matched, long total) {}

    /**
     * What a redrive or purge did.
     *
     * @param read  how many dead letters it read
     * @param taken how many it redrove, moved or purged
     */
    public record Report(long read, long taken) {}

    /** Told after each dead letter read, on the thread that runs the operation (a CLI draws its progress bar). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (read, total, taken) -> {};

        void update(long read, long total, long taken);
    }
}
