package dev.striate.core.optim;

import java.util.List;

/** PyTorch's MultiStepLR: baseRate·gamma^(number of milestones ≤ epoch); milestones strictly increase. */
public record MultiStepSchedule(double baseRate, List<Integer> milestones, double gamma)
        implements LearningRateSchedule {
    public MultiStepSchedule {
        SchedulePositions.requirePositive(baseRate, "base learning rate");
        SchedulePositions.requirePositive(gamma, "gamma");
        milestones = List.copyOf(milestones);
        if (milestones.isEmpty()) {
            throw new IllegalArgumentException("multistep needs at least one milestone");
        }
        for (int i = 0; i < milestones.size(); i++) {
            if (milestones.get(i) < 1 || i > 0 && milestones.get(i) <= milestones.get(i - 1)) {
                throw new IllegalArgumentException("milestones must be positive and increasing, got " + milestones);
            }
        }
    }

    @Override
    public String kind() {
        return "multistep";
    }

    @Override
    public double rate(int epoch, int batchInEpoch, int batchesPerEpoch) {
        SchedulePositions.check(epoch, batchInEpoch, batchesPerEpoch);
        long passed = milestones.stream().filter(milestone -> milestone <= epoch).count();
        return baseRate * Math.pow(gamma, passed);
    }
}
