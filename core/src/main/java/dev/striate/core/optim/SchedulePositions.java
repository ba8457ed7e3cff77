package dev.striate.core.optim;

/** Checks and converts the (epoch, batch in epoch, batches per epoch) position every schedule is asked about. */
final class SchedulePositions {
    private SchedulePositions() {
    }

    static void check(int epoch, int batchInEpoch, int batchesPerEpoch) {
        if (epoch < 0 || batchesPerEpoch < 1 || batchInEpoch < 0 || batchInEpoch >= batchesPerEpoch) {
            throw new IllegalArgumentException("no training step at epoch " + epoch + ", batch " + batchInEpoch
                    + " of " + batchesPerEpoch);
        }
    }

    /** The step's index over the whole run, from 0. */
    static long stepIndex(int epoch, int batchInEpoch, int batchesPerEpoch) {
        check(epoch, batchInEpoch, batchesPerEpoch);
        return (long) epoch * batchesPerEpoch + batchInEpoch;
    }

    static void requirePositive(double value, String what) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + value);
        }
    }
}
