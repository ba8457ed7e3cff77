package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchNormKernelTest {
    private static final double EPS = 1e-5;
    private static final double TOLERANCE = 1e-12;
    private static final RunContext TRAINING = RunContext.training(1, 1);

    /** weight, bias, running_mean, running_var, num_batches_tracked for two channels. */
    private static List<Tensor> affineParams(double[] weight, double[] bias, double[] runningMean,
                                             double[] runningVar) {
        return List.of(tensor(Shape.of(2), weight), tensor(Shape.of(2), bias), tensor(Shape.of(2), runningMean),
                tensor(Shape.of(2), runningVar), tensor(Shape.scalar(), 0));
    }

    private static double[] values(Tensor t) {
        return CpuBackend.data(t);
    }

    @Test
    void trainingNormalizesWithTheBatchMeanAndBiasedVariance() {
        // Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance 1.25); channel 1 holds 2, 4, 6, 8 (mean 5, 5).
        Tensor x = tensor(Shape.of(4, 2), 1, 2, 2, 4, 3, 6, 4, 8);
        List<Tensor> params = affineParams(new double[] {2, 0.5}, new double[] {1, -1}, new double[] {0, 0},
                new double[] {1, 1});
        double[] y = KernelHarness.forward(BatchNorm.standard(), TRAINING, params, x).values();
        double[] expected = new double[8];
        for (int n = 0; n < 4; n++) {
            expected[2 * n] = 2 * ((n + 1) - 2.5) / Math.sqrt(1.25 + EPS) + 1;
            expected[2 * n + 1] = 0.5 * (2 * (n + 1) - 5) / Math.sqrt(5 + EPS) - 1;
        }
        assertArrayEquals(expected, y, TOLERANCE);
    }

    @Test
    void trainingMovesRunningStatisticsWithMomentumAndUnbiasedVariance() {
        Tensor x = tensor(Shape.of(4, 2), 1, 2, 2, 4, 3, 6, 4, 8);
        List<Tensor> params = affineParams(new double[] {1, 1}, new double[] {0, 0}, new double[] {0, 0},
                new double[] {1, 1});
        KernelHarness.forward(BatchNorm.standard(), TRAINING, params, x);
        // Unbiased variances: 5/3 and 20/3; momentum 0.1 from running_mean 0 and running_var 1.
        assertArrayEquals(new double[] {0.25, 0.5}, values(params.get(2)), TOLERANCE);
        assertArrayEquals(new double[] {0.9 + 0.1 * 5.0 / 3, 0.9 + 0.1 * 20.0 / 3}, values(params.get(3)),
                TOLERANCE);
        assertEquals(1, values(params.get(4))[0], 0);

        KernelHarness.forward(BatchNorm.standard(), TRAINING, params, x);
        assertArrayEquals(new double[] {0.9 * 0.25 + 0.1 * 2.5, 0.9 * 0.5 + 0.1 * 5}, values(params.get(2)),
                TOLERANCE);
        assertEquals(2, values(params.get(4))[0], 0);
    }

    @Test
    void trainingOutputHasMeanZeroAndVarianceOnePerChannelInRankFour() {
        int batch = 3;
        int channels = 2;
        int positions = 20;
        SplittableRandom random = new SplittableRandom(5);
        double[] input = new double[batch * channels * positions];
        for (int i = 0; i < input.length; i++) {
            int channel = i / positions % channels;
            input[i] = 10 * channel - 3 + (channel + 1) * random.nextDouble(-2, 2);
        }
        Tensor x = tensor(Shape.of(batch, channels, 4, 5), input);
        List<Tensor> params = affineParams(new double[] {1, 1}, new double[] {0, 0}, new double[] {0, 0},
                new double[] {1, 1});
        double[] y = KernelHarness.forward(BatchNorm.standard(), TRAINING, params, x).values();
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            double sumOfSquares = 0;
            for (int n = 0; n < batch; n++) {
                for (int s = 0; s < positions; s++) {
                    double v = y[(n * channels + c) * positions + s];
                    sum += v;
                    sumOfSquares += v * v;
                }
            }
            double mean = sum / (batch * positions);
            double variance = sumOfSquares / (batch * positions) - mean * mean;
            assertEquals(0, mean, 1e-12, "mean of channel " + c);
            // eps shrinks the variance by about eps / variance of the input, here below 1e-4.
            assertEquals(1, variance, 1e-4, "variance of channel " + c);
        }
    }

    @Test
    void notAffineHasOnlyBuffersAndStillUpdatesThem() {
        BatchNorm op = new BatchNorm(EPS, 0.2, false);
        Tensor x = tensor(Shape.of(2, 1, 1, 2), 1, 3, 5, 7);
        List<Tensor> buffers = List.of(tensor(Shape.of(1), 1), tensor(Shape.of(1), 2), tensor(Shape.scalar(), 4));
        double[] y = KernelHarness.forward(op, TRAINING, buffers, x).values();
        // Mean 4, biased variance (9 + 1 + 1 + 9) / 4 = 5, unbiased 20 / 3.
        double[] expected = {-3 / Math.sqrt(5 + EPS), -1 / Math.sqrt(5 + EPS), 1 / Math.sqrt(5 + EPS),
            3 / Math.sqrt(5 + EPS)};
        assertArrayEquals(expected, y, TOLERANCE);
        assertEquals(0.8 * 1 + 0.2 * 4, values(buffers.get(0))[0], TOLERANCE);
        assertEquals(0.8 * 2 + 0.2 * 20.0 / 3, values(buffers.get(1))[0], TOLERANCE);
        assertEquals(5, values(buffers.get(2))[0], 0);
    }

    @Test
    void evaluationUsesRunningStatisticsAndLeavesThemAlone() {
        Tensor x = tensor(Shape.of(2, 2), 3, 0, -1, 1);
        List<Tensor> params = affineParams(new double[] {2, 1}, new double[] {0.5, 0}, new double[] {1, -2},
                new double[] {4, 0.25});
        double[] y = KernelHarness.forward(BatchNorm.standard(), RunContext.evaluation(), params, x).values();
        double[] expected = {2 * (3 - 1) / Math.sqrt(4 + EPS) + 0.5, (0 + 2) / Math.sqrt(0.25 + EPS),
            2 * (-1 - 1) / Math.sqrt(4 + EPS) + 0.5, (1 + 2) / Math.sqrt(0.25 + EPS)};
        assertArrayEquals(expected, y, TOLERANCE);
        assertArrayEquals(new double[] {1, -2}, values(params.get(2)), 0);
        assertArrayEquals(new double[] {4, 0.25}, values(params.get(3)), 0);
        assertEquals(0, values(params.get(4))[0], 0);
    }

    @Test
    void evaluationBackwardIsTheAffineMapOfTheRunningStatistics() {
        Tensor x = tensor(Shape.of(2, 2), 3, 0, -1, 1);
        List<Tensor> params = affineParams(new double[] {2, 1}, new double[] {0.5, 0}, new double[] {1, -2},
                new double[] {4, 0.25});
        RunContext evaluation = RunContext.evaluation();
        KernelHarness.Forward forward = KernelHarness.forward(BatchNorm.standard(), evaluation, params, x);
        Tensor weightGrad = tensor(Shape.of(2), 0, 0);
        Tensor biasGrad = tensor(Shape.of(2), 0, 0);
        double[] dy = {1, 2, 3, 4};
        double[] dx = KernelHarness.backward(BatchNorm.standard(), evaluation, forward, params,
                Arrays.asList(weightGrad, biasGrad, null, null, null), dy, x).getFirst();
        double scale0 = 2 / Math.sqrt(4 + EPS);
        double scale1 = 1 / Math.sqrt(0.25 + EPS);
        assertArrayEquals(new double[] {1 * scale0, 2 * scale1, 3 * scale0, 4 * scale1}, dx, TOLERANCE);
        double normalized00 = (3 - 1) / Math.sqrt(4 + EPS);
        double normalized10 = (-1 - 1) / Math.sqrt(4 + EPS);
        double normalized01 = (0 + 2) / Math.sqrt(0.25 + EPS);
        double normalized11 = (1 + 2) / Math.sqrt(0.25 + EPS);
        assertArrayEquals(new double[] {1 * normalized00 + 3 * normalized10, 2 * normalized01 + 4 * normalized11},
                values(weightGrad), TOLERANCE);
        assertArrayEquals(new double[] {1 + 3, 2 + 4}, values(biasGrad), TOLERANCE);
    }

    @Test
    void trainingBackwardRemovesTheGradientsMeanAndItsPartAlongTheNormalizedInput() {
        // Through the batch statistics dL/dx sums to zero per channel, and its component along x̂ (the normalized x)
        // is Σ(g·x̂) · eps/(σ² + eps) / √(σ² + eps): zero but for eps. Here x = (1, 2, 4, 9): mean 4, σ² = 38/4.
        Tensor x = tensor(Shape.of(4, 1), 1, 2, 4, 9);
        List<Tensor> buffers = List.of(tensor(Shape.of(1), 0), tensor(Shape.of(1), 1), tensor(Shape.scalar(), 0));
        BatchNorm op = new BatchNorm(EPS, 0.1, false);
        KernelHarness.Forward forward = KernelHarness.forward(op, TRAINING, buffers, x);
        double[] g = {0.3, -1, 2, 0.5};
        double[] dx = KernelHarness.backward(op, TRAINING, forward, buffers, Arrays.asList(null, null, null), g, x)
                .getFirst();
        double variance = 38.0 / 4;
        double[] normalized = {-3 / Math.sqrt(variance + EPS), -2 / Math.sqrt(variance + EPS), 0,
            5 / Math.sqrt(variance + EPS)};
        double sum = 0;
        double alongNormalized = 0;
        double gradientAlongNormalized = 0;
        for (int i = 0; i < 4; i++) {
            sum += dx[i];
            alongNormalized += dx[i] * normalized[i];
            gradientAlongNormalized += g[i] * normalized[i];
        }
        assertEquals(0, sum, 1e-12);
        assertEquals(gradientAlongNormalized * EPS / (variance + EPS) / Math.sqrt(variance + EPS), alongNormalized,
                1e-15);
        assertTrue(Arrays.stream(dx).anyMatch(d -> Math.abs(d) > 0.1), "the gradient is not all zero");
    }

    @Test
    void trainingOnOneValuePerChannelIsAUserError() {
        Tensor x = tensor(Shape.of(1, 2), 3, 4);
        List<Tensor> params = affineParams(new double[] {1, 1}, new double[] {0, 0}, new double[] {0, 0},
                new double[] {1, 1});
        UserException e = assertThrows(UserException.class,
                () -> KernelHarness.forward(BatchNorm.standard(), TRAINING, params, x));
        assertTrue(e.getMessage().contains("[1, 2]"), e.getMessage());
    }
}
