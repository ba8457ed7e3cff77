package dev.striate.core.optim;

/** The same rate for every step. */
public record ConstantSchedule(double baseRate) implements LearningRateSchedule {
    public ConstantSchedule {
        SchedulePositions.requirePositive(baseRate, "base learning rate");
    }

    @Override
    public String kind() {
        return "constant";
    }

    @Override
    public double rate(int epoch, int batchInEpoch, int batchesPerEpoch) {
        SchedulePositions.check(epoch, batchInEpoch, batchesPerEpoch);
        return baseRate;
    }
}
