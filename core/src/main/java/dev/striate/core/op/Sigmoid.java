package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Elementwise 1 / (1 + e^-x). */
public record Sigmoid() implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Shapes.elementwise(inputs);
    }
}
