package dev.striate.cli;

import java.io.PrintStream;

/** Where a command writes: results to {@code out}, progress and logs to {@code err}. */
public record Console(PrintStream out, PrintStream err, boolean debug) {
    /** True when stderr is a terminal, so a live progress bar makes sense. */
    public boolean interactive() {
        return System.console() != null && System.getenv("CI") == null && err == System.err;
    }
}
