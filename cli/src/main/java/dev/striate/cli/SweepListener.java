package dev.striate.cli;

import dev.striate.core.train.EpochMetrics;
import dev.striate.core.train.EpochProgress;
import dev.striate.core.train.Evaluation;
import dev.striate.core.train.StepResult;
import dev.striate.core.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;

/** A trial's progress shown as train shows it, and its run stopped when the sweep's pruner says so. */
final class SweepListener implements TrainingListener {
    private final TrainingReporter reporter;
    private final MedianPruner pruner;
    private boolean pruned;

    /** {@code pruner}: null when the sweep does not prune. */
    SweepListener(TrainingReporter reporter, MedianPruner pruner) {
        this.reporter = reporter;
        this.pruner = pruner;
    }

    boolean pruned() {
        return pruned;
    }

    @Override
    public String stopReason(EpochMetrics metrics) {
        String reason = pruner == null ? null : pruner.reason(metrics.epoch(), metrics.valTop1());
        pruned = reason != null;
        return reason;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int startBatch, int batches) {
        reporter.epochStarted(epoch, epochs, startBatch, batches);
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, EpochProgress progress, StepResult step) {
        reporter.batchFinished(epoch, batch, batches, progress, step);
    }

    @Override
    public void fileSkipped(String reason) {
        reporter.fileSkipped(reason);
    }

    @Override
    public void validationStarted(int epoch, int batches) {
        reporter.validationStarted(epoch, batches);
    }

    @Override
    public void validationBatchFinished(int batch) {
        reporter.validationBatchFinished(batch);
    }

    @Override
    public void epochFinished(EpochMetrics metrics, Evaluation validation, List<EpochMetrics> history) {
        reporter.epochFinished(metrics, validation, history);
    }

    @Override
    public void checkpointWritten(Path directory, int epoch, int batch) {
        reporter.checkpointWritten(directory, epoch, batch);
    }

    @Override
    public void notice(String line) {
        reporter.notice(line);
    }

    void endBar() {
        reporter.endBar();
    }
}
