package dev.striate.core.train;

import java.nio.file.Path;
import java.util.List;

/** What a {@link TrainingLoop} tells its caller as it goes: progress bars, logs and charts live outside core. */
public interface TrainingListener {
    /** Epoch {@code epoch} (from 0) of {@code epochs} starts at batch {@code startBatch} of {@code batches}. */
    default void epochStarted(int epoch, int epochs, int startBatch, int batches) {
    }

    default void batchFinished(int epoch, int batch, int batches, EpochProgress progress, StepResult step) {
    }

    /** A file could not be decoded; told once per file, with the reason. */
    default void fileSkipped(String reason) {
    }

    default void validationStarted(int epoch, int batches) {
    }

    default void validationBatchFinished(int batch) {
    }

    /** An epoch ended; {@code history} holds every epoch's row so far, this one last. */
    default void epochFinished(EpochMetrics metrics, Evaluation validation, List<EpochMetrics> history) {
    }

    /** A checkpoint was written whole; training continues at batch {@code batch} of epoch {@code epoch}. */
    default void checkpointWritten(Path directory, int epoch, int batch) {
    }

    /**
     * Asked after each epoch but the last, once its checkpoints are written: a reason to stop the run here (a sweep's
     * median pruning), or null to go on.
     */
    default String stopReason(EpochMetrics metrics) {
        return null;
    }

    /** A line worth a user's attention (early stopping). */
    default void notice(String line) {
    }
}
