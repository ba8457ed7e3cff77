package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Elementwise the hyperbolic tangent. */
public record Tanh() implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Shapes.elementwise(inputs);
    }
}
