package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Maximum over each window, per channel; padding never wins (it counts as minus infinity). */
public record MaxPool2d(Window2d window, boolean ceilMode) implements Op {
    public static MaxPool2d of(int kernel, int stride, int padding) {
        return new MaxPool2d(Window2d.square(kernel, stride, padding), false);
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 4, "N, C, H, W");
        Pooling.requirePaddingAtMostHalfKernel(window);
        int[] hw = window.outputSpatial(in, ceilMode);
        return Shape.of(in.batch(), in.channels(), hw[0], hw[1]);
    }

    @Override
    public List<String> warnings(List<Shape> inputs) {
        return window.unreadWarnings(inputs.getFirst(), ceilMode);
    }
}
