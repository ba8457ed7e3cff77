package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Mean over all of H and W, per channel: [N, C, H, W] to [N, C, 1, 1]. */
public record GlobalAvgPool() implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 4, "N, C, H, W");
        return Shape.of(in.batch(), in.channels(), 1, 1);
    }
}
