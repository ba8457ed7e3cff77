package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Elu;
import dev.striate.core.op.LeakyRelu;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.Tanh;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Values and derivatives of the elementwise activations, including at the kinks (PyTorch's choices). */
class ActivationKernelsTest {
    private static final double TOLERANCE = 1e-12;
    private static final double LN3 = Math.log(3);

    private static void check(Op op, double[] x, double[] expectedY, double[] expectedDerivative) {
        Tensor input = tensor(Shape.of(1, x.length), x);
        KernelHarness.Forward forward = KernelHarness.forward(op, RunContext.evaluation(), input);
        assertArrayEquals(expectedY, forward.values(), TOLERANCE, op + " forward");
        double[] dy = new double[x.length];
        Arrays.fill(dy, 2);
        double[] dx = KernelHarness.backward(op, RunContext.evaluation(), forward, dy, input).getFirst();
        double[] expectedDx = Arrays.stream(expectedDerivative).map(d -> 2 * d).toArray();
        assertArrayEquals(expectedDx, dx, TOLERANCE, op + " backward");
    }

    @Test
    void relu() {
        check(new Relu(), new double[] {-2, -0.5, 0, 0.5, 3}, new double[] {0, 0, 0, 0.5, 3},
                new double[] {0, 0, 0, 1, 1});
    }

    @Test
    void relu6() {
        check(new Relu6(), new double[] {-1, 0, 3, 6, 7}, new double[] {0, 0, 3, 6, 6},
                new double[] {0, 0, 1, 0, 0});
    }

    @Test
    void leakyRelu() {
        check(new LeakyRelu(0.1), new double[] {-2, 0, 3}, new double[] {-0.2, 0, 3}, new double[] {0.1, 0.1, 1});
    }

    @Test
    void elu() {
        check(new Elu(0.5), new double[] {-1, 0, 2}, new double[] {0.5 * (1 / Math.E - 1), 0, 2},
                new double[] {0.5 / Math.E, 0.5, 1});
    }

    @Test
    void sigmoid() {
        // sigmoid(ln 3) = 1 / (1 + 1/3) = 0.75; derivative 0.75 · 0.25. Far tails saturate without NaN.
        check(new Sigmoid(), new double[] {0, LN3, -LN3, 800, -800}, new double[] {0.5, 0.75, 0.25, 1, 0},
                new double[] {0.25, 0.1875, 0.1875, 0, 0});
    }

    @Test
    void tanh() {
        // tanh(ln 3) = (9 - 1) / (9 + 1) = 0.8; derivative 1 - 0.64.
        check(new Tanh(), new double[] {0, LN3, -LN3}, new double[] {0, 0.8, -0.8}, new double[] {1, 0.36, 0.36});
    }

    @Test
    void backwardAddsToTheGradientAlreadyThere() {
        Relu op = new Relu();
        Tensor x = tensor(Shape.of(1, 2), -1, 1);
        KernelHarness.Forward forward = KernelHarness.forward(op, RunContext.evaluation(), x);
        Tensor inputGrad = tensor(Shape.of(1, 2), 10, 10);
        new ReluKernel().backward(op, new BackwardCall(List.of(x), List.of(), forward.output(),
                tensor(Shape.of(1, 2), 5, 5), List.of(inputGrad), List.of(), RunContext.evaluation(), 1, null, null));
        assertArrayEquals(new double[] {10, 15}, CpuBackend.data(inputGrad), TOLERANCE);
    }
}
