package dev.striate.core.train;

import java.util.List;
import java.util.Map;

/**
 * Everything besides tensors that exact resumption needs, stored as {@code state.json}. Training continues at batch
 * {@code batch} of epoch {@code epoch} (both from 0), after {@code globalStep} steps; {@code progress} holds that
 * epoch's sums so far. The random streams are pure functions of their seeds and positions: the initializer of
 * {@code initSeed}, the loader's shuffle and augmentation of {@code loaderSeed} and the epoch and position,
 * dropout of {@code dropoutSeed} and the global step. {@code schedule} is the learning-rate schedule's own state.
 * {@code bestTop1} (NaN before the first validation), {@code bestEpoch} and {@code epochsWithoutImprovement} drive
 * the best checkpoint and early stopping.
 */
public record CheckpointState(int format, String model, List<String> classes, int epoch, int batch,
                              long globalStep, long optimizerSteps, Map<String, Object> schedule, long initSeed,
                              long loaderSeed, long dropoutSeed, EpochProgress progress, double bestTop1,
                              int bestEpoch, int epochsWithoutImprovement) {
    public static final int FORMAT = 1;

    public CheckpointState {
        classes = List.copyOf(classes);
        schedule = Map.copyOf(schedule);
    }
}
