package dev.striate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Median stopping (Vizier's median stopping rule, Optuna's MedianPruner): a trial whose validation top-1 after an
 * epoch is below the median of the earlier trials' top-1 after that same epoch stops there. It judges only once
 * {@value #STARTUP_TRIALS} earlier trials reached that epoch, so that one lucky trial does not stop all others.
 */
final class MedianPruner {
    static final int STARTUP_TRIALS = 2;

    private final List<SweepTrial> earlier;

    MedianPruner(List<SweepTrial> earlier) {
        this.earlier = List.copyOf(earlier);
    }

    /** Why the trial should stop after {@code epoch} (from 1) with validation top-1 {@code top1}, or null. */
    String reason(int epoch, double top1) {
        List<Double> atEpoch = new ArrayList<>();
        for (SweepTrial trial : earlier) {
            if (trial.validationTop1().size() >= epoch) {
                atEpoch.add(trial.validationTop1().get(epoch - 1));
            }
        }
        if (atEpoch.size() < STARTUP_TRIALS) {
            return null;
        }
        double median = median(atEpoch);
        return top1 < median ? String.format(Locale.ROOT, "validation top-1 %.4f is below the median %.4f of %d earlier"
                + " trials after epoch %d (--prune)", top1, median, atEpoch.size(), epoch) : null;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
