package dev.striate.cli;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.DeviceSelection;
import dev.striate.core.backend.Precision;
import java.util.function.Consumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The options several commands share ({@code --device}, {@code --precision}, {@code --workers}, {@code --json}):
 * built and read in this one place, so that they are spelled, described and checked alike everywhere.
 */
public final class CommonOptions {
    public static final String DEVICE = "device";
    public static final String PRECISION = "precision";
    public static final String WORKERS = "workers";
    public static final String JSON = "json";
    /** The reference backend's name; it computes in float64 whatever precision is asked. */
    private static final String REFERENCE_BACKEND = "cpu";

    private CommonOptions() {
    }

    public static Options addDevice(Options options) {
        return options.addOption(Option.builder().longOpt(DEVICE).hasArg().argName("DEVICE")
                .desc("cpu, cuda, cuda:N (the GPU of index N) or auto (default auto: a GPU when one is usable)")
                .build());
    }

    public static Options addPrecision(Options options) {
        return options.addOption(Option.builder().longOpt(PRECISION).hasArg().argName("P")
                .desc("fp32, tf32 or bf16 on a GPU (default fp32); the CPU reference computes in float64").build());
    }

    public static Options addWorkers(Options options) {
        return options.addOption(Option.builder().longOpt(WORKERS).hasArg().argName("N")
                .desc("image decoding threads (default: the number of cores)").build());
    }

    public static Options addJson(Options options) {
        return options.addOption(Option.builder().longOpt(JSON).desc("print JSON").build());
    }

    public static boolean json(CommandLine line) {
        return line.hasOption(JSON);
    }

    public static int workers(CommandLine line) {
        return CommandArguments.positive(line, WORKERS, Runtime.getRuntime().availableProcessors());
    }

    /** The backend of {@code --device} and {@code --precision} (when the command has it). */
    public static Backend openBackend(CommandLine line, Console console) {
        return openBackend(line, console.err()::println);
    }

    /** As {@link #openBackend(CommandLine, Console)}, its lines to {@code notes} (to be printed after checks). */
    public static Backend openBackend(CommandLine line, Consumer<String> notes) {
        return openBackend(DeviceSelection.parse(line.getOptionValue(DEVICE, "auto")),
                Precision.parse(line.getOptionValue(PRECISION, Precision.FP32.flagValue())), notes);
    }

    public static Backend openBackend(DeviceSelection device, Precision precision, Console console) {
        return openBackend(device, precision, console.err()::println);
    }

    /**
     * Opens a backend, saying which one {@code auto} chose, and that a precision other than fp32 does not apply on
     * the reference backend rather than let a run's record suggest it computed in bf16.
     */
    public static Backend openBackend(DeviceSelection device, Precision precision, Consumer<String> notes) {
        Backend backend = device.open(precision, notes);
        if (precision != Precision.FP32 && backend.name().equals(REFERENCE_BACKEND)) {
            notes.accept("notice: --precision " + precision.flagValue() + " applies on a GPU; the CPU"
                    + " reference backend computes in float64");
        }
        return backend;
    }
}
