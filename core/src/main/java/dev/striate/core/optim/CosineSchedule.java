package dev.striate.core.optim;

/**
 * Cosine annealing per step over the whole run, as PyTorch's CosineAnnealingLR with T_max = every step of
 * {@code epochs}: minRate + (baseRate − minRate)·(1 + cos(π·s / S))/2 for step s of S, from baseRate at the first
 * step towards minRate at the end (and minRate past it). Warm-up, when asked, multiplies in front of it.
 */
public record CosineSchedule(double baseRate, double minRate, int epochs) implements LearningRateSchedule {
    public CosineSchedule {
        SchedulePositions.requirePositive(baseRate, "base learning rate");
        if (!(minRate >= 0 && minRate < baseRate)) {
            throw new IllegalArgumentException("minimum rate must be at least 0 and below the base rate "
                    + baseRate + ", got " + minRate);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
    }

    @Override
    public String kind() {
        return "cosine";
    }

    @Override
    public double rate(int epoch, int batchInEpoch, int batchesPerEpoch) {
        long step = SchedulePositions.stepIndex(epoch, batchInEpoch, batchesPerEpoch);
        double progress = Math.min(1, step / ((double) epochs * batchesPerEpoch));
        return minRate + (baseRate - minRate) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
