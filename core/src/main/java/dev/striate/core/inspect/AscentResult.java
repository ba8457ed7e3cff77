package dev.striate.core.inspect;

/**
 * The synthetic inputs of an ascent, [B, C, H, W] row-major, and for each image the quantity maximised (without the
 * L2 penalty) before every step and after the last: {@code trajectory[b][t]} for t = 0..steps.
 */
public record AscentResult(double[] images, double[][] trajectory) {
}
