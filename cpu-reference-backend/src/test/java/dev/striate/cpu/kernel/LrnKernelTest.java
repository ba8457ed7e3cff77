package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Lrn;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LrnKernelTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void evenSizeWindowReachesOneChannelBackAndNoneForward() {
        // size 2: the window of channel c is c - 1 .. c. Channels 1, 2, 3; alpha/size = 0.15, k = 1, beta = 0.5.
        Tensor a = tensor(Shape.of(1, 3, 1, 1), 1, 2, 3);
        double[] b = KernelHarness.forward(new Lrn(2, 0.3, 0.5, 1), RunContext.evaluation(), a).values();
        double[] expected = {
            1 / Math.sqrt(1 + 0.15 * 1),
            2 / Math.sqrt(1 + 0.15 * (1 + 4)),
            3 / Math.sqrt(1 + 0.15 * (4 + 9))};
        assertArrayEquals(expected, b, TOLERANCE);
    }

    @Test
    void oddSizeWindowIsCenteredAndPositionsAreIndependent() {
        // size 3: the window of c is c - 1 .. c + 1, clipped. alpha/size = 0.1, k = 2, beta = 0.75.
        // Position 0 holds channels (1, 2, 3); position 1 holds (0, 1, 0).
        Tensor a = tensor(Shape.of(1, 3, 1, 2), 1, 0, 2, 1, 3, 0);
        double[] b = KernelHarness.forward(new Lrn(3, 0.3, 0.75, 2), RunContext.evaluation(), a).values();
        double[] expected = {
            1 * Math.pow(2 + 0.1 * (1 + 4), -0.75), 0,
            2 * Math.pow(2 + 0.1 * (1 + 4 + 9), -0.75), 1 * Math.pow(2 + 0.1 * 1, -0.75),
            3 * Math.pow(2 + 0.1 * (4 + 9), -0.75), 0};
        assertArrayEquals(expected, b, TOLERANCE);
    }

    @Test
    void backwardOfASingleChannelIsTheDerivativeOfItsOwnScaling() {
        // One channel: b = a · s^-beta with s = k + alpha·a², so db/da = s^-beta - 2·alpha·beta·a²·s^(-beta-1).
        Lrn op = new Lrn(1, 0.5, 0.75, 2);
        Tensor a = tensor(Shape.of(1, 1, 1, 1), 1.5);
        KernelHarness.Forward forward = KernelHarness.forward(op, RunContext.evaluation(), a);
        double[] da = KernelHarness.backward(op, RunContext.evaluation(), forward, new double[] {1}, a).getFirst();
        double s = 2 + 0.5 * 1.5 * 1.5;
        assertArrayEquals(new double[] {Math.pow(s, -0.75) - 2 * 0.5 * 0.75 * 1.5 * 1.5 * Math.pow(s, -1.75)}, da,
                TOLERANCE);
    }
}
