package dev.striate.core.train;

/**
 * Running sums of the epoch in progress. Checkpoints written in the middle of an epoch carry them, so a resumed
 * epoch reports the same loss and accuracy as one that was never interrupted. {@code lossSum} adds each batch's
 * mean loss times its size, in batch order.
 */
public record EpochProgress(double lossSum, long correct, long images, long skipped, double seconds) {
    public static EpochProgress start() {
        return new EpochProgress(0, 0, 0, 0, 0);
    }

    public EpochProgress plus(StepResult step, int skippedFiles, double stepSeconds) {
        return new EpochProgress(lossSum + step.loss() * step.size(), correct + step.correct(), images + step.size(),
                skipped + skippedFiles, seconds + stepSeconds);
    }

    public double meanLoss() {
        return images == 0 ? Double.NaN : lossSum / images;
    }

    public double accuracy() {
        return images == 0 ? Double.NaN : (double) correct / images;
    }
}
