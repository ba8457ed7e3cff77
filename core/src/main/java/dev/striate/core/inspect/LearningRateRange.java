package dev.striate.core.inspect;

/**
 * What a learning-rate range test saw: per step the rate, the loss and its smoothed value, the step whose rate is
 * suggested (-1 when too few steps ran to tell), and whether the loss exploded before the last rate.
 */
public record LearningRateRange(double[] rates, double[] losses, double[] smoothed, int suggestedStep,
                                boolean exploded) {
    /** The suggested rate, or NaN when there is none. */
    public double suggestedRate() {
        return suggestedStep < 0 ? Double.NaN : rates[suggestedStep];
    }
}
