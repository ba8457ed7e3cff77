package dev.striate.core.optim;

import dev.striate.core.UserException;
import java.util.Map;

/**
 * The learning rate of every training step. Epochs and batches count from 0, and {@link #rate} is asked before each
 * batch's update, so per-step schedules (cosine, warm-up) move within an epoch while per-epoch ones hold still for
 * the whole epoch, as PyTorch's schedulers stepped once per epoch do. Only reduce-on-plateau keeps state of its own;
 * it moves in {@link #endOfEpoch}. Made from {@code --schedule} text by {@link Schedules#parse}.
 */
public sealed interface LearningRateSchedule
        permits ConstantSchedule, StepSchedule, MultiStepSchedule, ExponentialSchedule, CosineSchedule,
        PlateauSchedule, WarmupSchedule {
    /** The kind as {@code --schedule} names it: constant, step, multistep, exponential, cosine, plateau, warmup. */
    String kind();

    /** The rate for batch {@code batchInEpoch} (of {@code batchesPerEpoch}) of epoch {@code epoch}. */
    double rate(int epoch, int batchInEpoch, int batchesPerEpoch);

    /** Told after each epoch's validation; only reduce-on-plateau reacts. */
    default void endOfEpoch(int epoch, double validationAccuracy) {
    }

    /** What a checkpoint keeps: the kind and any state of the schedule's own, as JSON-friendly values. */
    default Map<String, Object> state() {
        return Map.of("kind", kind());
    }

    /** Puts back what {@link #state()} returned; a state of another kind is the user's mistake, named as such. */
    default void restore(Map<String, Object> state) {
        requireKind(state, kind());
    }

    /** Throws a {@link UserException} unless {@code state} was written by a schedule of {@code kind}. */
    static void requireKind(Map<String, Object> state, String kind) {
        Object written = state.get("kind");
        if (!kind.equals(written)) {
            throw new UserException("the checkpoint's learning-rate schedule is '" + written + "', this run's is '"
                    + kind + "'; resume with the --schedule and --warmup-epochs the checkpoint was written with");
        }
    }
}
