package dev.striate.cli;

import dev.striate.core.FileNames;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendUnavailableException;
import dev.striate.core.backend.DeviceSelection;
import dev.striate.core.backend.Precision;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import dev.striate.models.ModelSummary;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate bench}: training throughput of a model on synthetic data, measured as
 * {@code torch_reference_bench.py} measures PyTorch's (same step, data, optimizer, defaults and output keys), so that
 * the two run side by side on one GPU. {@code --table} runs resnet50, vgg16 and mobilenet_v2 in every precision;
 * a case that cannot run (a precision the backend lacks) is a row saying why, and the exit status is then 1.
 */
final class BenchCommand implements Command {
    static final List<String> TABLE_MODELS = List.of("resnet50", "vgg16", "mobilenet_v2");
    private static final int DEFAULT_BATCH = 128;
    private static final int DEFAULT_STEPS = 20;
    private static final int DEFAULT_WARMUP = 5;
    private static final int DEFAULT_CLASSES = 1000;

    private final List<String> tableModels;

    BenchCommand() {
        this(TABLE_MODELS);
    }

    /** With other models for {@code --table}: the tests' small ones, since the three take minutes on the CPU. */
    BenchCommand(List<String> tableModels) {
        this.tableModels = List.copyOf(tableModels);
    }

    /** What every case of one command shares; {@code size} 0 keeps each model's own input size. */
    private record Settings(DeviceSelection device, int batch, int size, int steps, int warmup, int classes) {
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "training images/s, step time, peak memory and TFLOP/s of MODEL on synthetic data (as the PyTorch"
                + " reference measures)";
    }

    @Override
    public String usage() {
        return "MODEL|--table [--device D] [--precision fp32|tf32|bf16] [--batch B] [--size S] [--steps N]"
                + " [--warmup N] [--classes K] [--json]";
    }

    @Override
    public Options options() {
        Options options = new Options()
                .addOption(Option.builder().longOpt("batch").hasArg().argName("B")
                        .desc("images per step (default " + DEFAULT_BATCH + ")").build())
                .addOption(Option.builder().longOpt("size").hasArg().argName("S")
                        .desc("square input images of S x S (default: the model's own, 224 for the ImageNet models)")
                        .build())
                .addOption(Option.builder().longOpt("steps").hasArg().argName("N")
                        .desc("timed steps; their median is reported (default " + DEFAULT_STEPS + ")").build())
                .addOption(Option.builder().longOpt("warmup").hasArg().argName("N")
                        .desc("untimed steps first (default " + DEFAULT_WARMUP + ")").build())
                .addOption(Option.builder().longOpt("classes").hasArg().argName("K")
                        .desc("classes of the random labels and the classifier (default " + DEFAULT_CLASSES + ")")
                        .build())
                .addOption(Option.builder().longOpt("table")
                        .desc(String.join(", ", tableModels) + " in fp32, tf32 and bf16, as a table").build());
        return CommonOptions.addJson(CommonOptions.addPrecision(CommonOptions.addDevice(options)));
    }

    @Override
    public int run(CommandLine line, Console console) {
        Settings settings = new Settings(DeviceSelection.parse(line.getOptionValue(CommonOptions.DEVICE, "auto")),
                CommandArguments.positive(line, "batch", DEFAULT_BATCH), CommandArguments.positive(line, "size", 0),
                CommandArguments.positive(line, "steps", DEFAULT_STEPS),
                CommandArguments.nonNegative(line, "warmup", DEFAULT_WARMUP),
                CommandArguments.positive(line, "classes", DEFAULT_CLASSES));
        boolean json = CommonOptions.json(line);
        Set<String> notesShown = new HashSet<>();
        Consumer<String> notes = note -> {
            if (notesShown.add(note)) {
                console.err().println(note);
            }
        };
        if (line.hasOption("table")) {
            return table(line, settings, json, console, notes);
        }
        ModelSpec spec = specOf(CommandArguments.single(line, "one MODEL (a zoo name or a spec file), or --table"),
                settings);
        Precision precision = Precision.parse(line.getOptionValue(CommonOptions.PRECISION,
                Precision.FP32.flagValue()));
        BenchRow row = measure(spec, precision, settings, notes);
        console.out().println(json ? BenchReport.json(row) : BenchReport.line(row));
        return Main.OK;
    }

    private int table(CommandLine line, Settings settings, boolean json, Console console, Consumer<String> notes) {
        if (!line.getArgList().isEmpty()) {
            throw new UserException("--table runs " + String.join(", ", tableModels) + "; give no MODEL (got "
                    + String.join(" ", line.getArgList()) + ")");
        }
        if (line.hasOption(CommonOptions.PRECISION)) {
            throw new UserException("--table runs every precision; leave out --precision");
        }
        List<BenchRow> rows = new ArrayList<>();
        for (String model : tableModels) {
            ModelSpec spec = specOf(model, settings);
            for (Precision precision : Precision.values()) {
                BenchRow row = measureOrSayWhy(spec, precision, settings, console, notes);
                rows.add(row);
                if (json) {
                    console.out().println(BenchReport.json(row));
                } else {
                    console.err().println(BenchReport.line(row));
                }
            }
        }
        if (!json) {
            console.out().print(BenchReport.table(rows));
        }
        return rows.stream().allMatch(row -> row instanceof BenchRow.Measured) ? Main.OK : Main.FAILED;
    }

    /**
     * One case of the table; what stops it alone becomes its row, so that one missing precision or one failing kernel
     * does not hide the other cases. A device that cannot be used at all stops the command (a user error).
     */
    private static BenchRow measureOrSayWhy(ModelSpec spec, Precision precision, Settings settings, Console console,
                                            Consumer<String> notes) {
        try {
            return measure(spec, precision, settings, notes);
        } catch (BackendUnavailableException e) {
            throw e;
        } catch (UserException e) {
            return notRun(spec, precision, settings, FileNames.oneLine(e.getMessage()));
        } catch (RuntimeException e) {
            if (console.debug()) {
                e.printStackTrace(console.err());
            }
            return notRun(spec, precision, settings, "internal error: " + FileNames.oneLine(e.toString()));
        }
    }

    private static BenchRow measure(ModelSpec spec, Precision precision, Settings settings, Consumer<String> notes) {
        long forwardMacs = ModelSummary.of(spec, 1).macs();
        try (Backend backend = CommonOptions.openBackend(settings.device(), precision, notes)) {
            StepBenchmark.Measurement measurement = StepBenchmark.measure(spec, settings.batch(), backend,
                    settings.warmup(), settings.steps());
            return new BenchRow.Measured(spec.name(), precision, settings.batch(), spec.inputShape()[1],
                    backend.description(), measurement.medianMillis(), measurement.peakBytes(), forwardMacs);
        }
    }

    private static BenchRow notRun(ModelSpec spec, Precision precision, Settings settings, String reason) {
        return new BenchRow.NotRun(spec.name(), precision, settings.batch(), spec.inputShape()[1], reason);
    }

    /** The model with the settings' classes, at the settings' size when one is given. */
    private static ModelSpec specOf(String model, Settings settings) {
        ModelSpec spec = ModelSpecs.resolve(model).withClasses(settings.classes());
        int[] input = spec.inputShape();
        return settings.size() == 0 ? spec : spec.withInput(input[0], settings.size(), settings.size());
    }
}
