package dev.striate.cli;

import java.io.PrintStream;

/** Where a command writes: results to {@code out}, progress and logs to {@code err}. */
public record Console(PrintStream out, PrintStream err, boolean debug) {
    /**
     * True when stderr is the process's own terminal and not under CI, so a live progress bar makes sense. Since
     * Java 22 {@code System.console()} exists even when output is redirected, hence {@code isTerminal()}.
     */
    public boolean interactive() {
        java.io.Console system = System.console();
        return system != null && system.isTerminal() && System.getenv("CI") == null && err == System.err;
    }
}
