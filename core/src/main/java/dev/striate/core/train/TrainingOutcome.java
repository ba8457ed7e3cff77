package dev.striate.core.train;

import java.util.List;

/**
 * How a run ended: every epoch's metrics, the last validation, the best validation top-1 and its epoch (from 1),
 * and whether early stopping ended it before {@code --epochs}; {@code interruptedAt} is the position {@code last/}
 * holds when a stop request ended it (null otherwise).
 */
public record TrainingOutcome(List<EpochMetrics> history, Evaluation lastValidation, double bestTop1,
                              int bestEpoch, boolean stoppedEarly, CheckpointState interruptedAt) {
    public TrainingOutcome {
        history = List.copyOf(history);
    }
}
