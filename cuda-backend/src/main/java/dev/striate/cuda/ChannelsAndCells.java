package dev.striate.cuda;

import dev.striate.core.tensor.Shape;

/**
 * How the kernels that go element by element but must know where an element lies (the casts between a float tensor and
 * its bf16 copy, dropout's mask) read a tensor: as [size / (C·S), C, S]. A rank-4 tensor [N, C, H, W] is read with its
 * channels and its H·W cells, so that a channels-last copy is addressed right; any other rank as C = S = 1, which is
 * the same memory in both layouts ({@link ActivationLayout}).
 */
public record ChannelsAndCells(int channels, int cells) {
    public static ChannelsAndCells of(Shape shape) {
        if (shape.rank() != 4) {
            return new ChannelsAndCells(1, 1);
        }
        return new ChannelsAndCells(shape.dim(1), shape.dim(2) * shape.dim(3));
    }
}
