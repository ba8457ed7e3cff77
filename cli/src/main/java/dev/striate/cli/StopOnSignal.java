package dev.striate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, turns the first Ctrl-C (SIGINT) or SIGTERM into a request to stop cleanly ({@code onStop}, which must
 * return at once); a second signal ends the process at once, as a user pressing Ctrl-C twice expects. Closing puts the
 * JVM's own handlers back. {@code sun.misc.Signal} rather than a shutdown hook, because a hook runs only once the JVM
 * is already exiting, when the run can no longer print how to resume or return its exit status.
 */
final class StopOnSignal implements AutoCloseable {
    /** 128 + SIGINT's number, the status a shell reports for a process ended by Ctrl-C. */
    static final int INTERRUPTED_STATUS = 130;
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final AtomicBoolean received = new AtomicBoolean();

    StopOnSignal(Runnable onStop, Console console) {
        SignalHandler handler = signal -> {
            if (received.getAndSet(true)) {
                Runtime.getRuntime().halt(INTERRUPTED_STATUS);
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

    /** True once a signal asked the run to stop. */
    boolean received() {
        return received.get();
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
