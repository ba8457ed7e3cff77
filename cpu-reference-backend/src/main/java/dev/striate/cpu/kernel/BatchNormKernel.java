package dev.striate.cpu.kernel;

import dev.striate.core.tensor.ChannelLayout;
import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.UserException;
import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Batch normalization per channel c, over the m = N·H·W values x of that channel:
 * x̂ = (x - μ) / √(σ² + eps), y = γ·x̂ + β (γ = 1, β = 0 when not affine).
 * Training uses the batch's μ and biased σ², and moves the running statistics toward them by {@code momentum}
 * (running_var toward the unbiased σ²·m/(m-1), as PyTorch); evaluation, and a frozen batch norm, use the running
 * statistics.
 */
public final class BatchNormKernel implements Kernel<BatchNorm> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;

    /** What forward normalized with, per channel; backward needs it (and whether it came from the batch). */
    private record Statistics(double[] mean, double[] inverseStd, boolean fromBatch) {
    }

    @Override
    public Object forward(BatchNorm op, ForwardCall call) {
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        double[] x = data(call.input());
        Statistics statistics = op.usesBatchStatistics(call.context().training())
                ? batchStatistics(op, call.params(), call.input().shape(), x)
                : runningStatistics(op, call.params(), layout);
        double[] gamma = weight(op, call.params(), layout);
        double[] beta = bias(op, call.params(), layout);
        double[] y = data(call.output());
        for (int n = 0; n < layout.batch(); n++) {
            for (int c = 0; c < layout.channels(); c++) {
                for (int s = 0; s < layout.positions(); s++) {
                    int i = layout.index(n, c, s);
                    double normalized = (x[i] - statistics.mean[c]) * statistics.inverseStd[c];
                    y[i] = gamma[c] * normalized + beta[c];
                }
            }
        }
        return statistics;
    }

    private static Statistics batchStatistics(BatchNorm op, List<Tensor> params, Shape shape, double[] x) {
        ChannelLayout layout = ChannelLayout.of(shape);
        int m = layout.batch() * layout.positions();
        if (m < 2) {
            throw new UserException("batch_norm in training needs more than one value per channel, got input "
                    + shape + ": use a batch size of 2 or more");
        }
        double[] runningMean = data(params.get(op.bufferIndex(BatchNorm.RUNNING_MEAN)));
        double[] runningVar = data(params.get(op.bufferIndex(BatchNorm.RUNNING_VAR)));
        double[] batchesTracked = data(params.get(op.bufferIndex(BatchNorm.BATCHES_TRACKED)));
        double[] mean = new double[layout.channels()];
        double[] inverseStd = new double[layout.channels()];
        for (int c = 0; c < layout.channels(); c++) {
            double sum = 0;
            for (int n = 0; n < layout.batch(); n++) {
                for (int s = 0; s < layout.positions(); s++) {
                    sum += x[layout.index(n, c, s)];
                }
            }
            mean[c] = sum / m;
            double squaredDeviations = 0;
            for (int n = 0; n < layout.batch(); n++) {
                for (int s = 0; s < layout.positions(); s++) {
                    double deviation = x[layout.index(n, c, s)] - mean[c];
                    squaredDeviations += deviation * deviation;
                }
            }
            double biasedVariance = squaredDeviations / m;
            double unbiasedVariance = squaredDeviations / (m - 1);
            inverseStd[c] = 1 / Math.sqrt(biasedVariance + op.eps());
            runningMean[c] = (1 - op.momentum()) * runningMean[c] + op.momentum() * mean[c];
            runningVar[c] = (1 - op.momentum()) * runningVar[c] + op.momentum() * unbiasedVariance;
        }
        batchesTracked[0] += 1;
        return new Statistics(mean, inverseStd, true);
    }

    private static Statistics runningStatistics(BatchNorm op, List<Tensor> params, ChannelLayout layout) {
        double[] runningMean = data(params.get(op.bufferIndex(BatchNorm.RUNNING_MEAN)));
        double[] runningVar = data(params.get(op.bufferIndex(BatchNorm.RUNNING_VAR)));
        double[] inverseStd = new double[layout.channels()];
        for (int c = 0; c < layout.channels(); c++) {
            inverseStd[c] = 1 / Math.sqrt(runningVar[c] + op.eps());
        }
        return new Statistics(runningMean.clone(), inverseStd, false);
    }

    /**
     * With g = dL/dy and sums Σ over the channel's m values: dL/dγ = Σ g·x̂, dL/dβ = Σ g, and dL/dx =
     * γ/√(σ²+eps) · (g - Σg/m - x̂·Σ(g·x̂)/m) through the batch statistics, or γ/√(σ²+eps) · g when they were the
     * running statistics (constants).
     */
    @Override
    public void backward(BatchNorm op, BackwardCall call) {
        Statistics statistics = (Statistics) call.saved();
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        int m = layout.batch() * layout.positions();
        double[] x = data(call.input());
        double[] dy = data(call.outputGrad());
        double[] gamma = weight(op, call.params(), layout);
        Tensor inputGrad = call.inputGrad();
        for (int c = 0; c < layout.channels(); c++) {
            double sumGrad = 0;
            double sumGradTimesNormalized = 0;
            for (int n = 0; n < layout.batch(); n++) {
                for (int s = 0; s < layout.positions(); s++) {
                    int i = layout.index(n, c, s);
                    double normalized = (x[i] - statistics.mean[c]) * statistics.inverseStd[c];
                    sumGrad += dy[i];
                    sumGradTimesNormalized += dy[i] * normalized;
                }
            }
            if (op.affine()) {
                addAt(call.paramGrads().get(WEIGHT), c, sumGradTimesNormalized);
                addAt(call.paramGrads().get(BIAS), c, sumGrad);
            }
            if (inputGrad == null) {
                continue;
            }
            double[] dx = data(inputGrad);
            for (int n = 0; n < layout.batch(); n++) {
                for (int s = 0; s < layout.positions(); s++) {
                    int i = layout.index(n, c, s);
                    double normalized = (x[i] - statistics.mean[c]) * statistics.inverseStd[c];
                    double throughStatistics = statistics.fromBatch
                            ? dy[i] - sumGrad / m - normalized * sumGradTimesNormalized / m
                            : dy[i];
                    dx[i] += gamma[c] * statistics.inverseStd[c] * throughStatistics;
                }
            }
        }
    }

    private static void addAt(Tensor gradient, int index, double value) {
        if (gradient != null) {
            data(gradient)[index] += value;
        }
    }

    private static double[] weight(BatchNorm op, List<Tensor> params, ChannelLayout layout) {
        if (op.affine()) {
            return data(params.get(WEIGHT));
        }
        double[] ones = new double[layout.channels()];
        Arrays.fill(ones, 1);
        return ones;
    }

    private static double[] bias(BatchNorm op, List<Tensor> params, ChannelLayout layout) {
        return op.affine() ? data(params.get(BIAS)) : new double[layout.channels()];
    }
}
