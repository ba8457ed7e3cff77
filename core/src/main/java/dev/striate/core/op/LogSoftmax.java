package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** log(softmax(x)) over the classes of [N, K] inputs, computed stably as x - max - log Σ e^(x - max). */
public record LogSoftmax() implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Shapes.requireRank(inputs.getFirst(), 2, "N, classes");
    }
}
