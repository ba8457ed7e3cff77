package dev.striate.cli;

import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Backends;
import dev.striate.core.backend.Precision;
import dev.striate.core.data.Batch;
import dev.striate.core.optim.ConstantSchedule;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.device.StreamTimer;
import dev.striate.cuda.memory.MemoryStatistics;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate memcheck}: trains MODEL on one random batch for many steps on CUDA and shows the caching
 * allocator's counters; after warm-up a step must ask the driver for no memory, and the memory in use must not grow.
 * Exit 0 when memory stays flat, 1 when it grows.
 */
final class MemcheckCommand implements Command {
    private static final int WARM_UP = 2;
    /** The seed of the made-up batch every step trains on. */
    private static final long BATCH_SEED = 7;

    @Override
    public String name() {
        return "memcheck";
    }

    @Override
    public String summary() {
        return "train MODEL on random data for --steps steps on CUDA and check that GPU memory stays flat";
    }

    @Override
    public String usage() {
        return "[MODEL] [--steps N] [--batch N] [--device cuda] [--precision fp32|tf32]";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("steps").hasArg().argName("N").desc("steps (default 1000)").build())
                .addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("batch size (default 32)")
                        .build())
                .addOption(Option.builder().longOpt("device").hasArg().argName("DEVICE")
                        .desc("cuda (default) or cuda:N").build())
                .addOption(Option.builder().longOpt("precision").hasArg().argName("P").desc("fp32 (default) or tf32")
                        .build());
    }

    @Override
    public int run(CommandLine line, Console console) {
        List<String> models = line.getArgList();
        if (models.size() > 1) {
            throw new UserException("at most one MODEL, got " + models);
        }
        ModelSpec spec = ModelSpecs.resolve(models.isEmpty() ? "lenet5" : models.getFirst());
        int steps = CommandArguments.positive(line, "steps", 1000);
        int batchSize = CommandArguments.positive(line, "batch", 32);
        Precision precision = Precision.parse(line.getOptionValue("precision", "fp32"));
        String device = line.getOptionValue("device", "cuda");
        try (Backend backend = Backends.open(device, new BackendOptions(precision), console.err()::println)) {
            if (!(backend instanceof CudaBackend cuda)) {
                throw new UserException("memcheck checks the CUDA allocator; use --device cuda");
            }
            console.out().println("memcheck " + spec.name() + ", batch " + batchSize + ", " + steps + " steps on "
                    + cuda.description());
            console.out().println(String.format(Locale.ROOT, "%8s %14s %14s %14s %10s %10s", "step", "in use",
                    "cached", "peak", "cuMemAlloc", "ms/step"));
            return check(spec, batchSize, steps, cuda, console);
        }
    }

    private static int check(ModelSpec spec, int batchSize, int steps, CudaBackend cuda, Console console) {
        TrainerSettings settings = new TrainerSettings(0, 1, 2, new UpdateRule.Sgd(0.9, 0, false, 1e-4), false,
                new ConstantSchedule(0.01), 0);
        MemoryStatistics afterWarmUp = null;
        try (Arena memory = Arena.ofShared();
             Trainer trainer = new Trainer(spec.toGraph(batchSize), cuda, settings);
             StreamTimer timer = cuda.timer()) {
            Batch batch = SyntheticBatch.of(spec, batchSize, BATCH_SEED, memory);
            for (int step = 1; step <= steps; step++) {
                // Staged, as the training loop feeds every batch: the page-locked copy and the spare input buffer
                // are part of the memory checked.
                trainer.stage(batch);
                trainer.stepOnFedBatch(batch.labels(), batch.index(), 0, steps);
                if (step == WARM_UP) {
                    cuda.synchronize();
                    afterWarmUp = cuda.memory();
                    timer.start();
                }
                if (step == 1 || step == WARM_UP || step % 100 == 0 || step == steps) {
                    // GPU time per step since the warm-up, between two CUDA events on the stream.
                    double milliseconds = step <= WARM_UP ? 0 : timer.stopMilliseconds() / (step - WARM_UP);
                    MemoryStatistics now = cuda.memory();
                    console.out().println(String.format(Locale.ROOT, "%8d %14d %14d %14d %10d %10.2f", step,
                            now.bytesInUse(), now.bytesCached(), now.peakBytesInUse(), now.driverAllocations(),
                            milliseconds));
                }
            }
        }
        if (afterWarmUp == null) {
            console.out().println("memcheck: too few steps to compare with the warm-up (" + WARM_UP + ")");
            return Main.FAILED;
        }
        return verdict(afterWarmUp, cuda.memory(), console);
    }

    private static int verdict(MemoryStatistics warm, MemoryStatistics end, Console console) {
        // The trainer is closed at the end, so in-use memory is compared through the peak, which any growth raises.
        boolean flat = end.driverAllocations() == warm.driverAllocations()
                && end.peakBytesInUse() == warm.peakBytesInUse();
        console.out().println(flat ? "memcheck: flat (no cuMemAlloc and no growth after warm-up)"
                : "memcheck: GROWS: cuMemAlloc calls " + warm.driverAllocations() + " -> " + end.driverAllocations()
                + ", peak in use " + warm.peakBytesInUse() + " -> " + end.peakBytesInUse() + " bytes");
        return flat ? Main.OK : Main.FAILED;
    }
}
