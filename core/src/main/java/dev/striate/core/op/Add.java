package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Elementwise sum of two or more inputs of the same shape (residual connections). */
public record Add() implements Op {
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
        Shape first = Shapes.elementwise(inputs);
        for (Shape other : inputs) {
            if (!other.equals(first)) {
                throw new ShapeException("inputs must have the same shape, got " + inputs);
            }
        }
        return first;
    }
}
