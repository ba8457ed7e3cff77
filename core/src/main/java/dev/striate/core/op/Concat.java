package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Concatenation along channels (axis 1) of inputs that agree in every other dimension. */
public record Concat() implements Op {
    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape first = Shapes.requireRank(inputs.getFirst(), 2, 4, "N, C or N, C, H, W");
        long channels = 0;
        for (Shape in : inputs) {
            Shapes.requirePositive(in);
            if (in.rank() != first.rank() || !in.withDim(1, 1).equals(first.withDim(1, 1))) {
                throw new ShapeException("inputs must agree in every dimension but channels, got " + inputs);
            }
            channels += in.channels();
        }
        if (channels > Integer.MAX_VALUE) {
            throw new ShapeException("the joined channels " + channels + " are more than a dimension can hold ("
                    + Integer.MAX_VALUE + ")");
        }
        return first.withDim(1, (int) channels);
    }
}
