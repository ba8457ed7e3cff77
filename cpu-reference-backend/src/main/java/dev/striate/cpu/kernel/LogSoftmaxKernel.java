package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.LogSoftmax;

/**
 * log softmax over each row of [N, K]: y_k = x_k - max - log Σ_j e^(x_j - max); subtracting the row's maximum
 * keeps every exponent at or below 0, so large logits do not overflow. Backward: dL/dx_k = g_k - e^(y_k) · Σ_j g_j.
 */
public final class LogSoftmaxKernel implements Kernel<LogSoftmax> {
    @Override
    public Object forward(LogSoftmax op, ForwardCall call) {
        int rows = call.input().shape().dim(0);
        int classes = call.input().shape().dim(1);
        double[] x = data(call.input());
        double[] y = data(call.output());
        for (int n = 0; n < rows; n++) {
            double[] row = logProbabilities(x, n, classes);
            System.arraycopy(row, 0, y, n * classes, classes);
        }
        return null;
    }

    @Override
    public void backward(LogSoftmax op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        int rows = call.input().shape().dim(0);
        int classes = call.input().shape().dim(1);
        double[] y = data(call.output());
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        for (int n = 0; n < rows; n++) {
            double sumGrad = 0;
            for (int k = 0; k < classes; k++) {
                sumGrad += dy[n * classes + k];
            }
            for (int k = 0; k < classes; k++) {
                int i = n * classes + k;
                dx[i] += dy[i] - Math.exp(y[i]) * sumGrad;
            }
        }
    }

    /** The log probabilities of row n of an [N, K] array of logits, computed stably. */
    static double[] logProbabilities(double[] logits, int n, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, logits[n * classes + k]);
        }
        double sumExp = 0;
        for (int k = 0; k < classes; k++) {
            sumExp += Math.exp(logits[n * classes + k] - max);
        }
        double logSumExp = max + Math.log(sumExp);
        double[] row = new double[classes];
        for (int k = 0; k < classes; k++) {
            row[k] = logits[n * classes + k] - logSumExp;
        }
        return row;
    }
}
