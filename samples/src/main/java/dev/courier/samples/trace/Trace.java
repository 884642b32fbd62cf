package dev.courier.samples.trace;

import dev.courier.message.Message;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Prints one line per thing that happens to a message, with the time since the trace started and a short label
 * per message ({@code #1 Water the plants}), so that a reader can follow each message through the system.
 */
public final class Trace {
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final Function<Message, Named> namer;
    private final Map<String, String> labels = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    /** A message's label and another key (e.g. its recipient) that also identifies it. */
    public record Named(String label, String alias) {}

    /** {@code namer} labels a message the first time the trace sees it. */
    public Trace(PrintStream out, Function<Message, Named> namer) {
        this.out = Objects.requireNonNull(out, "out");
        this.namer = Objects.requireNonNull(namer, "namer");
    }

    /** Labels {@code message} if it is new, and prints {@code what} for it. */
    public void event(Message message, String what) {
        String key = message.id().toString();
        String label = labels.get(key);
        if (label == null) {
            Named named = namer.apply(message);
            label = "#" + next.incrementAndGet() + " " + named.label();
            labels.putIfAbsent(key, label);
            if (named.alias() != null) {
                labels.putIfAbsent(named.alias(), label);
            }
            label = labels.get(key);
        }
        line(label, what);
    }

    /** Prints {@code what} for the message known by id or alias {@code key}. */
    public void event(String key, String what) {
        line(labels.getOrDefault(key, key), what);
    }

    /** Prints {@code what} for a message by id. */
    public void event(UUID id, String what) {
        event(id.toString(), what);
    }

    /** Prints a line that belongs to no message. */
    public void note(String what) {
        line("", what);
    }

    private synchronized void line(String label, String what) {
        long ms = (System.nanoTime() - start) / 1_000_000;
        out.printf("%6d ms  %-24s %s%n", ms, label, what);
    }
}
