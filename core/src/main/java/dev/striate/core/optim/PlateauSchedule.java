package dev.striate.core.optim;

import dev.striate.core.UserException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's ReduceLROnPlateau on validation accuracy with its defaults for mode 'max': an epoch improves when its
 * accuracy exceeds best·(1 + 1e-4) (threshold mode 'rel'); once more than {@code patience} epochs in a row have not
 * improved, the rate is multiplied by {@code factor} and the count starts again (cooldown 0, no minimum rate, and a
 * cut smaller than 1e-8 is skipped). AlexNet was trained this way, dividing by 10 by hand.
 */
public final class PlateauSchedule implements LearningRateSchedule {
    static final double THRESHOLD = 1e-4;
    static final double SMALLEST_CUT = 1e-8;

    private final double baseRate;
    private final double factor;
    private final int patience;
    private double currentRate;
    private boolean measured;
    private double best;
    private int badEpochs;

    public PlateauSchedule(double baseRate, double factor, int patience) {
        SchedulePositions.requirePositive(baseRate, "base learning rate");
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be between 0 and 1, got " + factor);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be at least 0, got " + patience);
        }
        this.baseRate = baseRate;
        this.factor = factor;
        this.patience = patience;
        this.currentRate = baseRate;
    }

    public double baseRate() {
        return baseRate;
    }

    public double factor() {
        return factor;
    }

    public int patience() {
        return patience;
    }

    @Override
    public String kind() {
        return "plateau";
    }

    @Override
    public double rate(int epoch, int batchInEpoch, int batchesPerEpoch) {
        SchedulePositions.check(epoch, batchInEpoch, batchesPerEpoch);
        return currentRate;
    }

    @Override
    public void endOfEpoch(int epoch, double validationAccuracy) {
        // A NaN accuracy never improves, as in PyTorch, where every comparison with NaN is false.
        boolean improved = !Double.isNaN(validationAccuracy)
                && (!measured || validationAccuracy > best * (1 + THRESHOLD));
        if (improved) {
            best = validationAccuracy;
            measured = true;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (badEpochs > patience) {
            double reduced = currentRate * factor;
            if (currentRate - reduced > SMALLEST_CUT) {
                currentRate = reduced;
            }
            badEpochs = 0;
        }
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("kind", kind());
        state.put("rate", currentRate);
        state.put("badEpochs", badEpochs);
        if (measured) {
            state.put("best", best);
        }
        return state;
    }

    @Override
    public void restore(Map<String, Object> state) {
        LearningRateSchedule.requireKind(state, kind());
        double rate = number(state, "rate");
        double bad = number(state, "badEpochs");
        boolean wholeCount = bad >= 0 && bad == Math.rint(bad) && bad <= Integer.MAX_VALUE;
        if (!(rate > 0) || Double.isInfinite(rate) || !wholeCount) {
            throw damaged("'rate' must be a positive number and 'badEpochs' a whole number of at least 0");
        }
        boolean hasBest = state.get("best") != null;
        double restoredBest = hasBest ? number(state, "best") : 0;
        currentRate = rate;
        badEpochs = (int) bad;
        measured = hasBest;
        best = restoredBest;
    }

    private static double number(Map<String, Object> state, String key) {
        if (!(state.get(key) instanceof Number value)) {
            throw damaged("'" + key + "' is missing or not a number");
        }
        return value.doubleValue();
    }

    private static UserException damaged(String fault) {
        return new UserException("the checkpoint's reduce-on-plateau schedule state is damaged: " + fault
                + "; resume from another checkpoint");
    }

    @Override
    public String toString() {
        return "PlateauSchedule[baseRate=" + baseRate + ", factor=" + factor + ", patience=" + patience
                + ", currentRate=" + currentRate + "]";
    }
}
