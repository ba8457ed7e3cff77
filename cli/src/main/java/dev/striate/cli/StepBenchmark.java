package dev.striate.cli;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.MemoryUse;
import dev.striate.core.data.Batch;
import dev.striate.core.graph.Graph;
import dev.striate.core.optim.ConstantSchedule;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.train.MemoryEstimate;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.models.ModelSpec;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Times the training step {@code striate train} runs, on synthetic data fed once so that it stays where the backend
 * keeps its inputs (on a GPU: resident on the device), as {@code torch_reference_bench.py} does for PyTorch: images
 * drawn from N(0, 1), labels uniform over the classes, SGD with momentum 0.9 at a rate of 0.01. Each step is timed by
 * the wall clock up to the backend's {@link Backend#synchronize()}, so it includes all the device's work.
 */
final class StepBenchmark {
    private static final double LEARNING_RATE = 0.01;
    private static final double MOMENTUM = 0.9;
    private static final long SEED = 13;

    /** Each timed step's milliseconds, and the backend's peak bytes in use over them (empty when it cannot tell). */
    record Measurement(List<Double> stepMillis, OptionalLong peakBytes) {
        Measurement {
            stepMillis = List.copyOf(stepMillis);
        }

        double medianMillis() {
            List<Double> sorted = stepMillis.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    private StepBenchmark() {
    }

    /**
     * {@code warmup} untimed steps, then {@code steps} timed ones, of {@code spec} at {@code batchSize} images. The
     * first step feeds the batch (through {@link Trainer#step}); every later one steps on it as it is
     * ({@link Trainer#stepOnFedBatch}). With no warm-up the first timed step includes compiling and feeding.
     */
    static Measurement measure(ModelSpec spec, int batchSize, Backend backend, int warmup, int steps) {
        Graph model = spec.toGraph(batchSize);
        TrainerSettings settings = new TrainerSettings(0, SEED, SEED + 1, new UpdateRule.Sgd(MOMENTUM, 0, false, 0),
                false, new ConstantSchedule(LEARNING_RATE), 0);
        MemoryEstimate.training(model, settings.rule().stateSlots()).requireFits(backend,
                "use a smaller --batch or --size");
        List<Double> millis = new ArrayList<>();
        int total = warmup + steps;
        try (Arena memory = Arena.ofShared(); Trainer trainer = new Trainer(model, backend, settings)) {
            Batch batch = SyntheticBatch.of(spec, batchSize, SEED, memory);
            for (int step = 0; step < total; step++) {
                if (step == warmup) {
                    backend.synchronize();
                    backend.resetPeakMemory();
                }
                long start = System.nanoTime();
                if (step == 0) {
                    trainer.step(batch, 0, total);
                } else {
                    trainer.stepOnFedBatch(batch.labels(), batch.index(), 0, total);
                }
                backend.synchronize();
                if (step >= warmup) {
                    millis.add((System.nanoTime() - start) / 1e6);
                }
            }
            OptionalLong peak = backend.memoryUse().stream().mapToLong(MemoryUse::peakBytesInUse).findFirst();
            return new Measurement(millis, peak);
        }
    }
}
