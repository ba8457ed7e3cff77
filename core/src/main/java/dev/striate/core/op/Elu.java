package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Elementwise x for x > 0, alpha·(e^x - 1) otherwise. */
public record Elu(double alpha) implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Shapes.elementwise(inputs);
    }
}
