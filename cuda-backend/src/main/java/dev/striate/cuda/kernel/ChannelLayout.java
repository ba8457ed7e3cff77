package dev.striate.cuda.kernel;

import dev.striate.core.tensor.Shape;

/**
 * An [N, C] or [N, C, H, W] tensor read as [N, C, S], S being the positions per channel (H·W, or 1 for rank 2): the
 * layout the per-channel kernels take.
 */
record ChannelLayout(int batch, int channels, int positions) {
    static ChannelLayout of(Shape shape) {
        int positions = 1;
        for (int axis = 2; axis < shape.rank(); axis++) {
            positions *= shape.dim(axis);
        }
        return new ChannelLayout(shape.batch(), shape.channels(), positions);
    }
}
