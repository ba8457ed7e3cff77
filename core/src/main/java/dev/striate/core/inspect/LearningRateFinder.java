package dev.striate.core.inspect;

import dev.striate.core.backend.RunContext;
import dev.striate.core.data.Batch;
import dev.striate.core.exec.Executor;
import dev.striate.core.optim.Optimizer;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.ExecutorCache;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The learning-rate range test (Smith 2017, as fastai and torch-lr-finder run it): training steps with the rate
 * growing exponentially from {@code start} to {@code end}, the loss smoothed by an exponential moving average with
 * bias correction, stopping once the smoothed loss exceeds {@value #EXPLOSION_FACTOR} times its best or turns
 * non-finite. The suggested rate is where the smoothed loss falls fastest against log(rate), ignoring the first
 * tenth and the last twentieth of the points, where the average is still settling or the loss is exploding.
 */
public final class LearningRateFinder {
    static final double EXPLOSION_FACTOR = 4;
    static final double SMOOTHING = 0.98;

    private LearningRateFinder() {
    }

    /**
     * Runs at most {@code steps} steps on batches from {@code batches} with the training graph's executors and an
     * optimizer over their parameter store, both owned by the caller (their weights are changed: give copies).
     */
    public static LearningRateRange run(ExecutorCache executors, Optimizer optimizer, Iterator<Batch> batches,
                                        double start, double end, int steps, long dropoutSeed) {
        if (!(start > 0 && end > start && steps >= 2)) {
            throw new IllegalArgumentException("need 0 < start < end and at least 2 steps, got " + start + ", "
                    + end + ", " + steps);
        }
        double[] rates = new double[steps];
        double[] losses = new double[steps];
        double[] smoothed = new double[steps];
        double average = 0;
        double best = Double.POSITIVE_INFINITY;
        int done = 0;
        boolean exploded = false;
        while (done < steps && batches.hasNext()) {
            double rate = start * Math.pow(end / start, done / (double) (steps - 1));
            Executor executor = executors.forward(batches.next(), RunContext.training(dropoutSeed, done));
            double loss = executor.read(ClassifierGraphs.LOSS)[0];
            if (!Double.isFinite(loss)) {
                exploded = true;
                break;
            }
            average = SMOOTHING * average + (1 - SMOOTHING) * loss;
            double smooth = average / (1 - Math.pow(SMOOTHING, done + 1));
            rates[done] = rate;
            losses[done] = loss;
            smoothed[done] = smooth;
            done++;
            if (smooth > EXPLOSION_FACTOR * best) {
                exploded = true;
                break;
            }
            best = Math.min(best, smooth);
            executors.store().zeroGradients();
            executor.backward(ClassifierGraphs.LOSS);
            optimizer.step(rate);
        }
        double[] keptSmoothed = Arrays.copyOf(smoothed, done);
        double[] keptRates = Arrays.copyOf(rates, done);
        return new LearningRateRange(keptRates, Arrays.copyOf(losses, done), keptSmoothed,
                steepestDescent(keptRates, keptSmoothed), exploded);
    }

    /** The index of the most negative slope of {@code loss} against log(rate), by central differences. */
    static int steepestDescent(double[] rates, double[] loss) {
        int from = rates.length / 10;
        int to = rates.length - Math.max(1, rates.length / 20);
        int best = -1;
        double steepest = Double.POSITIVE_INFINITY;
        for (int i = Math.max(from, 1); i < Math.min(to, rates.length - 1); i++) {
            double slope = (loss[i + 1] - loss[i - 1]) / (Math.log(rates[i + 1]) - Math.log(rates[i - 1]));
            if (slope < steepest) {
                steepest = slope;
                best = i;
            }
        }
        return best;
    }
}
