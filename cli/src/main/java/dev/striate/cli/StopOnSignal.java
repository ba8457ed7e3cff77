package dev.striate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, turns the first Ctrl-C (SIGINT) or SIGTERM into a request to stop cleanly ({@code onStop}, which must
 * return at once); a second signal ends the process at once, as a user pressing Ctrl-C twice expects. Closing puts the
 * JVM's own handlers back. {@code sun.misc.Signal} rather than a shutdown hook, because a hook runs only once the JVM
 * is already exiting, when the run can no longer print how to resume or return its exit status.
 */
final class StopOnSignal implements AutoCloseable {
    private static final List<String> SIGNALS = List.of("INT", "TERM");
    /** Added to a signal's number for the exit status, as shells report a process a signal ended (130 for Ctrl-C). */
    private static final int SIGNAL_STATUS_BASE = 128;

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final AtomicInteger received = new AtomicInteger();

    StopOnSignal(Runnable onStop, Console console) {
        SignalHandler handler = signal -> {
            if (received.getAndSet(signal.getNumber()) != 0) {
                Runtime.getRuntime().halt(SIGNAL_STATUS_BASE + signal.getNumber());
            }
            console.err().println(System.lineSeparator() + "SIG" + signal.getName()
                    + ": stopping after the current batch (again to stop at once)");
            onStop.run();
        };
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            previous.add(Signal.handle(signal, handler));
            signals.add(signal);
        }
    }

    /** The exit status for the signal that asked the run to stop: 130 for SIGINT, 143 for SIGTERM. */
    int exitStatus() {
        return SIGNAL_STATUS_BASE + received.get();
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
