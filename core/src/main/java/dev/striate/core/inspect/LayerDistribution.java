package dev.striate.core.inspect;

/**
 * The activations of one node over a population of images: how many values, their mean, standard deviation,
 * smallest and largest, the fraction that are exactly zero (dead ReLUs), and a histogram whose bin {@code i} counts
 * the values in [edges[i], edges[i+1]) (the last bin includes its upper edge).
 */
public record LayerDistribution(String node, long count, double mean, double standardDeviation, double zeroFraction,
                                double min, double max, double[] edges, long[] counts) {
}
