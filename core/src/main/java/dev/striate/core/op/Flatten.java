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
        long features = in.sizePerItem();
        if (features > Integer.MAX_VALUE) {
            throw new ShapeException("flattens to " + features + " features per item, more than a dimension can hold ("
                    + Integer.MAX_VALUE + ")");
        }
        return Shape.of(in.batch(), (int) features);
    }
}
