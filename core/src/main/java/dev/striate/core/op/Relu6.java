package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Elementwise min(max(0, x), 6), as MobileNet uses. */
public record Relu6() implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Shapes.elementwise(inputs);
    }
}
