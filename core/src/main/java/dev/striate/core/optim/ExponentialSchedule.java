package dev.striate.core.optim;

/** PyTorch's ExponentialLR: baseRate·gamma^epoch. */
public record ExponentialSchedule(double baseRate, double gamma) implements LearningRateSchedule {
    public ExponentialSchedule {
        SchedulePositions.requirePositive(baseRate, "base learning rate");
        SchedulePositions.requirePositive(gamma, "gamma");
    }

    @Override
    public String kind() {
        return "exponential";
    }

    @Override
    public double rate(int epoch, int batchInEpoch, int batchesPerEpoch) {
        SchedulePositions.check(epoch, batchInEpoch, batchesPerEpoch);
        return baseRate * Math.pow(gamma, epoch);
    }
}
