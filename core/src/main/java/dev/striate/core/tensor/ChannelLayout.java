package dev.striate.core.tensor;

/**
 * An [N, C] or [N, C, H, W] tensor read as [N, C, S], where S is the number of positions per channel (H·W, or 1 for
 * rank 2): the one layout the per-channel ops (batch norm, channel shuffle, slicing) need, on every backend.
 */
public record ChannelLayout(int batch, int channels, int positions) {
    public static ChannelLayout of(Shape shape) {
        int positions = 1;
        for (int axis = 2; axis < shape.rank(); axis++) {
            positions *= shape.dim(axis);
        }
        return new ChannelLayout(shape.batch(), shape.channels(), positions);
    }

    /** The flat NCHW index of item n, channel c, position s. */
    public int index(int n, int c, int s) {
        return (n * channels + c) * positions + s;
    }
}
