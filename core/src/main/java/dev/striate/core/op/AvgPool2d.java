package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * Mean over each window, per channel. With {@code countIncludePad} the divisor counts padded cells
 * (but not cells past the padding that ceil mode adds), as PyTorch does; without it, only input cells.
 */
public record AvgPool2d(Window2d window, boolean ceilMode, boolean countIncludePad) implements Op {
    public static AvgPool2d of(int kernel, int stride, int padding) {
        return new AvgPool2d(Window2d.square(kernel, stride, padding), false, true);
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 4, "N, C, H, W");
        if (window.dilationH() != 1 || window.dilationW() != 1) {
            throw new ShapeException("average pooling has no dilation, got " + window.dilationH() + "x"
                    + window.dilationW());
        }
        Pooling.requirePaddingAtMostHalfKernel(window);
        int[] hw = window.outputSpatial(in, ceilMode);
        return Shape.of(in.batch(), in.channels(), hw[0], hw[1]);
    }

    @Override
    public List<String> warnings(List<Shape> inputs) {
        return window.unreadWarnings(inputs.getFirst(), ceilMode);
    }
}
