package dev.striate.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each schedule's rates at chosen epochs and steps, against numbers worked out by hand. Epochs count from 0. */
class ScheduleRatesTest {
    private static final double TOLERANCE = 1e-12;
    private static final int BATCHES = 10;

    private static double atEpoch(LearningRateSchedule schedule, int epoch) {
        return schedule.rate(epoch, 0, BATCHES);
    }

    @Test
    void constantNeverMoves() {
        LearningRateSchedule schedule = new ConstantSchedule(0.1);
        assertEquals(0.1, atEpoch(schedule, 0), TOLERANCE);
        assertEquals(0.1, schedule.rate(57, 9, BATCHES), TOLERANCE);
    }

    @Test
    void stepDecaysEveryKEpochs() {
        LearningRateSchedule schedule = new StepSchedule(0.1, 30, 0.1);
        assertEquals(0.1, atEpoch(schedule, 0), TOLERANCE);
        assertEquals(0.1, schedule.rate(29, 9, BATCHES), TOLERANCE);
        // Epoch 30 is the first of the second block: 0.1 · 0.1.
        assertEquals(0.01, atEpoch(schedule, 30), TOLERANCE);
        assertEquals(0.01, atEpoch(schedule, 59), TOLERANCE);
        // Epoch 65: ⌊65 / 30⌋ = 2, 0.1 · 0.1² = 0.001.
        assertEquals(0.001, atEpoch(schedule, 65), TOLERANCE);
    }

    @Test
    void multistepDecaysAtEachMilestone() {
        LearningRateSchedule schedule = new MultiStepSchedule(0.5, List.of(3, 7), 0.2);
        assertEquals(0.5, atEpoch(schedule, 2), TOLERANCE);
        // From epoch 3: 0.5 · 0.2 = 0.1; from epoch 7: 0.5 · 0.2² = 0.02, also long after.
        assertEquals(0.1, atEpoch(schedule, 3), TOLERANCE);
        assertEquals(0.1, atEpoch(schedule, 6), TOLERANCE);
        assertEquals(0.02, atEpoch(schedule, 7), TOLERANCE);
        assertEquals(0.02, atEpoch(schedule, 100), TOLERANCE);
    }

    @Test
    void exponentialMultipliesByGammaEachEpoch() {
        LearningRateSchedule schedule = new ExponentialSchedule(0.2, 0.5);
        assertEquals(0.2, atEpoch(schedule, 0), TOLERANCE);
        // Within an epoch the rate holds: epoch 1 is 0.2 · 0.5 = 0.1 at every batch.
        assertEquals(0.1, atEpoch(schedule, 1), TOLERANCE);
        assertEquals(0.1, schedule.rate(1, 9, BATCHES), TOLERANCE);
        // Epoch 3: 0.2 · 0.125 = 0.025.
        assertEquals(0.025, atEpoch(schedule, 3), TOLERANCE);
    }

    @Test
    void cosineAnnealsPerStepToZero() {
        // 4 epochs of 10 batches: 40 steps; step s gives 0.1 · (1 + cos(π·s/40)) / 2.
        LearningRateSchedule schedule = new CosineSchedule(0.1, 0, 4);
        assertEquals(0.1, atEpoch(schedule, 0), TOLERANCE);
        // Step 10 (epoch 1, batch 0): cos(π/4) = √2/2, so 0.05 · (1 + 0.70710678118654752).
        assertEquals(0.085355339059327376, atEpoch(schedule, 1), TOLERANCE);
        // Step 20 is half way: cos(π/2) = 0, so 0.05.
        assertEquals(0.05, atEpoch(schedule, 2), TOLERANCE);
        // Step 25 (epoch 2, batch 5): cos(5π/8) = −0.38268343236508977, so 0.05 · 0.61731656763491023.
        assertEquals(0.030865828381745512, schedule.rate(2, 5, BATCHES), TOLERANCE);
        // Last step 39: cos(39π/40) = −0.99691733373312796, so 0.05 · 0.00308266626687204.
        assertEquals(1.54133313343602e-4, schedule.rate(3, 9, BATCHES), TOLERANCE);
    }

    @Test
    void cosineAnnealsToItsMinimum() {
        // 0.01 + (0.1 − 0.01) · (1 + cos(π·s/S)) / 2: half way 0.01 + 0.045 = 0.055; past the end the minimum.
        LearningRateSchedule schedule = new CosineSchedule(0.1, 0.01, 2);
        assertEquals(0.1, atEpoch(schedule, 0), TOLERANCE);
        assertEquals(0.055, atEpoch(schedule, 1), TOLERANCE);
        assertEquals(0.01, atEpoch(schedule, 2), TOLERANCE);
    }

    @Test
    void warmupRampsLinearlyPerStepThenHandsOver() {
        // 2 warm-up epochs of 10 batches = 20 steps; step s runs at (s + 1)/20 of the inner rate 0.4.
        LearningRateSchedule schedule = new WarmupSchedule(new StepSchedule(0.4, 3, 0.5), 2);
        assertEquals(0.02, schedule.rate(0, 0, BATCHES), TOLERANCE);
        assertEquals(0.2, schedule.rate(0, 9, BATCHES), TOLERANCE);
        // Step 15 (epoch 1, batch 5): 16/20 · 0.4 = 0.32.
        assertEquals(0.32, schedule.rate(1, 5, BATCHES), TOLERANCE);
        assertEquals(0.4, schedule.rate(1, 9, BATCHES), TOLERANCE);
        assertEquals(0.4, schedule.rate(2, 0, BATCHES), TOLERANCE);
        // The inner schedule's epochs count from the start of the run: epoch 3 is its first decay, 0.4 · 0.5.
        assertEquals(0.2, schedule.rate(3, 0, BATCHES), TOLERANCE);
    }

    @Test
    void warmupMultipliesCosineFromTheStartOfTheRun() {
        // Cosine over 4 epochs of 10 batches, 1 warm-up epoch: step 5 is 6/10 · 0.05 · (1 + cos(π·5/40)),
        // cos(π/8) = 0.92387953251128676, so 0.6 · 0.096193976625564338 = 0.057716385975338603.
        LearningRateSchedule schedule = new WarmupSchedule(new CosineSchedule(0.1, 0, 4), 1);
        assertEquals(0.057716385975338603, schedule.rate(0, 5, BATCHES), TOLERANCE);
        // Step 10 is past the warm-up: the cosine's own 0.085355339059327376.
        assertEquals(0.085355339059327376, schedule.rate(1, 0, BATCHES), TOLERANCE);
    }

    @Test
    void plateauCutsTheRateAfterMoreThanPatienceEpochsWithoutImprovement() {
        PlateauSchedule schedule = new PlateauSchedule(0.1, 0.1, 2);
        schedule.endOfEpoch(0, 0.50);
        schedule.endOfEpoch(1, 0.60);
        // 0.60004 is not above 0.60 · (1 + 1e-4) = 0.60006: the first bad epoch.
        schedule.endOfEpoch(2, 0.60004);
        schedule.endOfEpoch(3, 0.55);
        assertEquals(0.1, atEpoch(schedule, 4), TOLERANCE);
        // The third bad epoch in a row is more than patience 2: the rate becomes 0.1 · 0.1.
        schedule.endOfEpoch(4, 0.58);
        assertEquals(0.01, atEpoch(schedule, 5), TOLERANCE);
        // The count starts again: two more bad epochs keep the rate, an improvement resets the count.
        schedule.endOfEpoch(5, 0.59);
        schedule.endOfEpoch(6, 0.59);
        assertEquals(0.01, atEpoch(schedule, 7), TOLERANCE);
        schedule.endOfEpoch(7, 0.61);
        schedule.endOfEpoch(8, 0.60);
        schedule.endOfEpoch(9, 0.60);
        assertEquals(0.01, atEpoch(schedule, 10), TOLERANCE);
        schedule.endOfEpoch(10, 0.60);
        assertEquals(0.001, atEpoch(schedule, 11), TOLERANCE);
    }

    @Test
    void plateauWithPatienceZeroCutsAfterEveryBadEpochAndTreatsNanAsBad() {
        PlateauSchedule schedule = new PlateauSchedule(1.0, 0.5, 0);
        schedule.endOfEpoch(0, 0.3);
        assertEquals(1.0, atEpoch(schedule, 1), TOLERANCE);
        schedule.endOfEpoch(1, Double.NaN);
        assertEquals(0.5, atEpoch(schedule, 2), TOLERANCE);
        schedule.endOfEpoch(2, 0.3);
        assertEquals(0.25, atEpoch(schedule, 3), TOLERANCE);
    }

    @Test
    void plateauSkipsCutsSmallerThanPyTorchsEpsilon() {
        // 1e-8 · (1 − 0.1) = 9e-9 is below the smallest cut 1e-8: the rate stays.
        PlateauSchedule schedule = new PlateauSchedule(1e-8, 0.1, 0);
        schedule.endOfEpoch(0, 0.5);
        schedule.endOfEpoch(1, 0.4);
        assertEquals(1e-8, atEpoch(schedule, 2), 1e-20);
    }

    @Test
    void anImpossiblePositionIsRejected() {
        LearningRateSchedule schedule = new ConstantSchedule(0.1);
        assertThrows(IllegalArgumentException.class, () -> schedule.rate(0, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> schedule.rate(-1, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(0.1, 0, 2).rate(0, 0, 0));
    }
}
