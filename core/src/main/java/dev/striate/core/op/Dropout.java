package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the rest scaled by 1/(1-p);
 * identity in evaluation. The mask is {@link DropoutMask#keep}, a pure function of seed, node, step and element
 * index, so every backend draws the same mask.
 */
public record Dropout(double p) implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        if (!(p >= 0 && p < 1)) {
            throw new ShapeException("dropout probability must be in [0, 1), got " + p);
        }
        return Shapes.elementwise(inputs);
    }
}
