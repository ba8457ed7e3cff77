package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Elementwise x for x > 0, slope·x otherwise. */
public record LeakyRelu(double slope) implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Shapes.elementwise(inputs);
    }
}
