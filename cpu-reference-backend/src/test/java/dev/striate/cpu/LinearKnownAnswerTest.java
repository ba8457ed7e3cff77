package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.striate.core.op.Initializer;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.Shape;
import org.junit.jupiter.api.Test;

/** y = x·Wᵀ + b and its gradients on a case small enough to check by hand. */
class LinearKnownAnswerTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void forwardAndBackwardByHand() {
        Linear linear = new Linear(2, true, new Initializer.Constant(0), new Initializer.Constant(0));
        try (OneNodeGraph g = new OneNodeGraph(linear, Shape.of(2, 3))) {
            g.parameter("weight",
                    1, 0, -1,
                    2, 1, 0);
            g.parameter("bias", 0.5, -1);
            double[] y = g.forward(
                    1, 2, 3,
                    0, -1, 4);
            assertArrayEquals(new double[] {1 - 3 + 0.5, 2 + 2 - 1, 0 - 4 + 0.5, -1 - 1}, y, TOLERANCE);
            double[] dy = {1, 2, -1, 3};
            // dL/dx = dL/dy · W
            assertArrayEquals(new double[] {5, 2, -1, 5, 3, 1}, g.inputGradient(dy), TOLERANCE);
            // dL/dW = (dL/dy)ᵀ · x
            assertArrayEquals(new double[] {1, 3, -1, 2, 1, 18}, g.parameterGradient("weight", dy), TOLERANCE);
            assertArrayEquals(new double[] {0, 5}, g.parameterGradient("bias", dy), TOLERANCE);
        }
    }

    @Test
    void withoutBias() {
        Linear linear = new Linear(1, false, new Initializer.Constant(0), null);
        try (OneNodeGraph g = new OneNodeGraph(linear, Shape.of(1, 2))) {
            g.parameter("weight", 3, -2);
            assertArrayEquals(new double[] {3 * 4 - 2 * 5}, g.forward(4, 5), TOLERANCE);
        }
    }
}
