package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Input checks the ops share; each failure is a {@link ShapeException} with the sizes in it. */
final class Shapes {
    private Shapes() {
    }

    static Shape requireRank(Shape shape, int rank, String what) {
        if (shape.rank() != rank) {
            throw new ShapeException("expects a rank-" + rank + " input (" + what + "), got " + shape);
        }
        requirePositive(shape);
        return shape;
    }

    static Shape requireRank(Shape shape, int rankA, int rankB, String what) {
        if (shape.rank() != rankA && shape.rank() != rankB) {
            throw new ShapeException("expects a rank-" + rankA + " or rank-" + rankB + " input (" + what + "), got "
                    + shape);
        }
        requirePositive(shape);
        return shape;
    }

    static void requirePositive(Shape shape) {
        if (!shape.allPositive()) {
            throw new ShapeException("input sizes must be positive, got " + shape);
        }
    }

    /** For elementwise ops: any rank of at least 1 with positive sizes, shape unchanged. */
    static Shape elementwise(List<Shape> inputs) {
        Shape shape = inputs.getFirst();
        if (shape.rank() < 1) {
            throw new ShapeException("expects an input of rank 1 or more, got a scalar");
        }
        requirePositive(shape);
        return shape;
    }

    static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new ShapeException(name + " must be positive, got " + value);
        }
    }
}
