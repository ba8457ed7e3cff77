package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * Average pooling to a fixed output size, as PyTorch's {@code AdaptiveAvgPool2d}: output cell i of n over an
 * input of size s averages input rows floor(i·s/n) to ceil((i+1)·s/n) - 1, so windows may overlap or differ in size.
 */
public record AdaptiveAvgPool2d(int outputHeight, int outputWidth) implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 4, "N, C, H, W");
        Shapes.requirePositive(outputHeight, "output height");
        Shapes.requirePositive(outputWidth, "output width");
        return Shape.of(in.batch(), in.channels(), outputHeight, outputWidth);
    }

    public static int windowStart(int index, int inSize, int outSize) {
        return Math.floorDiv(index * inSize, outSize);
    }

    public static int windowEnd(int index, int inSize, int outSize) {
        return -Math.floorDiv(-(index + 1) * inSize, outSize);
    }
}
