package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.RunContext;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fused reference kernels on hand-worked examples, both kinks of ReLU6 and the residual's gradient included. */
class FusedKernelsTest {
    private static final double EPS = 1e-5;
    private static final double TOLERANCE = 1e-12;

    private static List<Tensor> oneChannelBatchNorm(double weight, double bias, double runningMean,
                                                    double runningVar) {
        return List.of(tensor(Shape.of(1), weight), tensor(Shape.of(1), bias), tensor(Shape.of(1), runningMean),
                tensor(Shape.of(1), runningVar), tensor(Shape.scalar(), 0));
    }

    private static List<Tensor> gradientsLike(List<Tensor> params) {
        return List.of(tensor(params.get(0).shape(), new double[(int) params.get(0).size()]),
                tensor(params.get(1).shape(), new double[(int) params.get(1).size()]));
    }

    private static double[] values(Tensor t) {
        return CpuBackend.data(t);
    }

    @Test
    void batchNormRelu6InTrainingClampsAtBothKinksAndGatesTheGradientThere() {
        // x = 1, 2, 3, 4: mean 2.5, biased variance 1.25, x̂ = (x - 2.5)·s with s = 1/√(1.25 + eps) ≈ 0.894.
        // γ = 5, β = 3: bn ≈ -3.71, 0.76, 5.24, 9.71, so y = 0, 0.76, 5.24, 6.
        double s = 1 / Math.sqrt(1.25 + EPS);
        Tensor x = tensor(Shape.of(4, 1), 1, 2, 3, 4);
        List<Tensor> params = oneChannelBatchNorm(5, 3, 0, 1);
        BatchNormRelu op = BatchNormRelu.relu6(BatchNorm.standard());
        RunContext training = RunContext.training(1, 1);
        KernelHarness.Forward forward = KernelHarness.forward(op, training, params, x);
        assertArrayEquals(new double[] {0, 3 - 2.5 * s, 3 + 2.5 * s, 6}, forward.values(), TOLERANCE);
        assertEquals(0.25, values(params.get(2))[0], TOLERANCE, "running mean moved by momentum 0.1");
        assertEquals(1, values(params.get(4))[0], 0, "num_batches_tracked");

        // dy = 1, 2, 3, 4 gated to g' = 0, 2, 3, 0: Σg' = 5, Σg'·x̂ = (2·(-0.5) + 3·0.5)·s = 0.5·s.
        List<Tensor> grads = gradientsLike(params);
        double[] dx = KernelHarness.backward(op, training, forward, params, grads, new double[] {1, 2, 3, 4}, x)
                .getFirst();
        assertEquals(0.5 * s, values(grads.get(0))[0], TOLERANCE, "dγ");
        assertEquals(5, values(grads.get(1))[0], TOLERANCE, "dβ");
        double[] gated = {0, 2, 3, 0};
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            double normalized = (i + 1 - 2.5) * s;
            expected[i] = 5 * s * (gated[i] - 5.0 / 4 - normalized * 0.5 * s / 4);
        }
        assertArrayEquals(expected, dx, TOLERANCE);
    }

    @Test
    void batchNormAddReluInEvaluationAddsTheResidualBeforeTheClampAndPassesItTheGatedGradient() {
        // Running mean 1, variance 4, γ = 2, β = 0.5: bn = (x - 1)·2s + 0.5 with s = 1/√(4 + eps) ≈ 0.5.
        // x = 0, 1, 2, 3 and residual -1, 0.5, -3, 1: bn + residual ≈ -1.5, 1, -1.5, 3.5.
        double s = 1 / Math.sqrt(4 + EPS);
        Tensor x = tensor(Shape.of(1, 1, 2, 2), 0, 1, 2, 3);
        Tensor residual = tensor(Shape.of(1, 1, 2, 2), -1, 0.5, -3, 1);
        List<Tensor> params = oneChannelBatchNorm(2, 0.5, 1, 4);
        BatchNormAddRelu op = new BatchNormAddRelu(BatchNorm.standard());
        RunContext evaluation = RunContext.evaluation();
        KernelHarness.Forward forward = KernelHarness.forward(op, evaluation, params, x, residual);
        assertArrayEquals(new double[] {0, 0.5 + 0.5, 0, 4 * s + 0.5 + 1}, forward.values(), TOLERANCE);
        assertEquals(1, values(params.get(2))[0], 0, "running statistics untouched in evaluation");

        // dy = 1, 2, 3, 4 gated to g' = 0, 2, 0, 4; the running statistics are constants: dx = γ·s·g'.
        List<Tensor> grads = gradientsLike(params);
        List<double[]> inputGrads = KernelHarness.backward(op, evaluation, forward, params, grads,
                new double[] {1, 2, 3, 4}, x, residual);
        assertArrayEquals(new double[] {0, 4 * s, 0, 8 * s}, inputGrads.get(0), TOLERANCE);
        assertArrayEquals(new double[] {0, 2, 0, 4}, inputGrads.get(1), TOLERANCE);
        assertEquals(2 * 0 + 4 * (2 * s), values(grads.get(0))[0], TOLERANCE, "dγ = Σ g'·x̂");
        assertEquals(6, values(grads.get(1))[0], TOLERANCE, "dβ = Σ g'");
    }

    @Test
    void conv2dReluAddsTheBiasBeforeTheClampAndGatesEveryGradient() {
        // A 1x1 convolution, w = 2, b = -1, over x = 1, -2, 3: conv = 1, -5, 5, so y = 1, 0, 5.
        Tensor x = tensor(Shape.of(1, 1, 1, 3), 1, -2, 3);
        List<Tensor> params = List.of(tensor(Shape.of(1, 1, 1, 1), 2), tensor(Shape.of(1), -1));
        Conv2dRelu op = new Conv2dRelu(Conv2d.of(1, 1, 1, 0));
        RunContext training = RunContext.training(1, 1);
        KernelHarness.Forward forward = KernelHarness.forward(op, training, params, x);
        assertArrayEquals(new double[] {1, 0, 5}, forward.values(), TOLERANCE);

        // dy = 1, 1, 1 gated to g' = 1, 0, 1: dx = w·g', dw = Σ g'·x = 4, db = Σ g' = 2.
        List<Tensor> grads = gradientsLike(params);
        double[] dx = KernelHarness.backward(op, training, forward, params, grads, new double[] {1, 1, 1}, x)
                .getFirst();
        assertArrayEquals(new double[] {2, 0, 2}, dx, TOLERANCE);
        assertEquals(4, values(grads.get(0))[0], TOLERANCE, "dw");
        assertEquals(2, values(grads.get(1))[0], TOLERANCE, "db");
    }
}
