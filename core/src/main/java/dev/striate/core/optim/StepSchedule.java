package dev.striate.core.optim;

/** PyTorch's StepLR: baseRate·gamma^⌊epoch / stepEpochs⌋, so the first decay comes at epoch stepEpochs. */
public record StepSchedule(double baseRate, int stepEpochs, double gamma) implements LearningRateSchedule {
    public StepSchedule {
        SchedulePositions.requirePositive(baseRate, "base learning rate");
        SchedulePositions.requirePositive(gamma, "gamma");
        if (stepEpochs < 1) {
            throw new IllegalArgumentException("step epochs must be at least 1, got " + stepEpochs);
        }
    }

    @Override
    public String kind() {
        return "step";
    }

    @Override
    public double rate(int epoch, int batchInEpoch, int batchesPerEpoch) {
        SchedulePositions.check(epoch, batchInEpoch, batchesPerEpoch);
        return baseRate * Math.pow(gamma, epoch / stepEpochs);
    }
}
