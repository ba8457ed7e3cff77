package dev.striate.core.inspect;

/**
 * Builds a {@link LayerDistribution} in two passes over the same values: the first finds the count, moments, zeros
 * and range, the second fills a histogram over that range, so that the bins fit the data exactly.
 */
public final class DistributionTally {
    private final String node;
    private final int bins;
    private long count;
    private double sum;
    private double sumOfSquares;
    private long zeros;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long[] counts;

    public DistributionTally(String node, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("at least one bin, got " + bins);
        }
        this.node = node;
        this.bins = bins;
    }

    /** First pass: one batch's values of the node. */
    public void addToStatistics(double[] values) {
        if (counts != null) {
            throw new IllegalStateException("the histogram pass has started");
        }
        for (double v : values) {
            count++;
            sum += v;
            sumOfSquares += v * v;
            if (v == 0) {
                zeros++;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
    }

    /** Second pass: the same values again, in any batches. */
    public void addToHistogram(double[] values) {
        if (counts == null) {
            counts = new long[bins];
        }
        double width = (max - min) / bins;
        for (double v : values) {
            int bin = width > 0 ? (int) ((v - min) / width) : 0;
            counts[Math.clamp(bin, 0, bins - 1)]++;
        }
    }

    public LayerDistribution result() {
        if (count == 0) {
            throw new IllegalStateException("no values were added for " + node);
        }
        double mean = sum / count;
        double variance = Math.max(0, sumOfSquares / count - mean * mean);
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = min + (max - min) * i / bins;
        }
        return new LayerDistribution(node, count, mean, Math.sqrt(variance), zeros / (double) count, min, max, edges,
                counts == null ? new long[bins] : counts.clone());
    }
}
