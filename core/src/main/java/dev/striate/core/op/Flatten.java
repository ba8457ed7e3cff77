package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** [N, C, H, W] (or any rank) to [N, C·H·W], in NCHW order as PyTorch's {@code flatten(1)}. */
public record Flatten() implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.getFirst();
        if (in.rank() < 2) {
            throw new ShapeException("expects an input of rank 2 or more, got " + in);
        }
        Shapes.requirePositive(in);
        // The graph builder refuses inputs of more than Shape.MAX_ELEMENTS values, so the features fit an int.
        return Shape.of(in.batch(), Math.toIntExact(in.sizePerItem()));
    }
}
