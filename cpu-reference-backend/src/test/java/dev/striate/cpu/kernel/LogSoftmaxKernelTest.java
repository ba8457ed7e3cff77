package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.RunContext;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LogSoftmaxKernelTest {
    private static final double TOLERANCE = 1e-12;
    private static final double LN2 = Math.log(2);

    @Test
    void rowsExponentiateToProbabilitiesThatSumToOne() {
        Tensor x = tensor(Shape.of(3, 4), 0.1, -2, 3, 0.5, 7, 7, 7, 7, -30, 1, 2, -0.25);
        double[] y = KernelHarness.forward(new LogSoftmax(), RunContext.evaluation(), x).values();
        for (int n = 0; n < 3; n++) {
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                sum += Math.exp(y[n * 4 + k]);
            }
            assertEquals(1, sum, TOLERANCE, "row " + n);
        }
        assertArrayEquals(new double[] {-Math.log(4), -Math.log(4)}, new double[] {y[4], y[7]}, TOLERANCE);
    }

    @Test
    void knownValuesAndLargeLogitsStayFinite() {
        // Row (0, ln 2, 0) has probabilities (1/4, 1/2, 1/4); row (1000, 1001, 1001) would overflow e^x unshifted.
        Tensor x = tensor(Shape.of(2, 3), 0, LN2, 0, 1000, 1001, 1001);
        double[] y = KernelHarness.forward(new LogSoftmax(), RunContext.evaluation(), x).values();
        double rest = Math.log(1 + 2 * Math.E);
        assertArrayEquals(new double[] {Math.log(0.25), Math.log(0.5), Math.log(0.25),
            -rest, 1 - rest, 1 - rest}, y, TOLERANCE);
    }

    @Test
    void backwardSubtractsTheProbabilitiesTimesTheGradientSum() {
        Tensor x = tensor(Shape.of(1, 3), 0, LN2, 0);
        KernelHarness.Forward forward = KernelHarness.forward(new LogSoftmax(), RunContext.evaluation(), x);
        double[] dx = KernelHarness.backward(new LogSoftmax(), RunContext.evaluation(), forward,
                new double[] {1, 0, 2}, x).getFirst();
        // dx_k = g_k - p_k · (1 + 0 + 2) with p = (1/4, 1/2, 1/4).
        assertArrayEquals(new double[] {1 - 0.75, -1.5, 2 - 0.75}, dx, TOLERANCE);
    }
}
