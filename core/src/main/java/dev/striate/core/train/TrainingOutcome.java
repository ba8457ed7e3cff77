package dev.striate.core.train;

import java.util.List;

/**
 * How a run ended: every epoch's metrics, the last validation, the best validation top-1 and its epoch (from 1),
 * and whether early stopping ended it before {@code --epochs}.
 */
public record TrainingOutcome(List<EpochMetrics> history, Evaluation lastValidation, double bestTop1,
                              int bestEpoch, boolean stoppedEarly) {
    public TrainingOutcome {
        history = List.copyOf(history);
    }
}
