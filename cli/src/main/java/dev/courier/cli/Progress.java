package dev.courier.cli;

import dev.courier.runtime.DeadLetters;
import java.io.PrintWriter;

/**
 * A long redrive's progress on standard error: a bar redrawn in place on a terminal, otherwise a line at every tenth
 * of the way (and at least every 100 dead letters), so that logs and scripts can follow it.
 */
final class Progress implements DeadLetters.Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean terminal;
    private final String verb;
    private long lastLine;
    private boolean drawn;

    Progress(PrintWriter err, boolean terminal, String verb) {
        this.err = err;
        this.terminal = terminal;
        this.verb = verb;
    }

    @Override
    public void update(long read, long total, long taken) {
        if (terminal) {
            int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, read * WIDTH / total);
            err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + read + "/" + total + " read, "
                    + taken + " " + verb);
            err.flush();
            drawn = true;
        } else if (read == total || read - lastLine >= Math.min(100, Math.max(1, total / 10))) {
            lastLine = read;
            err.println("progress: " + read + "/" + total + " read, " + taken + " " + verb);
            err.flush();
        }
    }

    void done() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }
}
