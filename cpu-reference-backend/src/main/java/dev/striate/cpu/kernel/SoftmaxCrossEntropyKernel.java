package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.SoftmaxCrossEntropy;

/**
 * Mean cross-entropy between softmax(logits) and a target t over N rows of K classes:
 * L = (1/N) Σ_n Σ_k -t_nk · log p_nk, where t_nk = (1-ε)·[k = label_n] + ε/K (ε = label smoothing, as PyTorch).
 * Backward: dL/dlogit_nk = g/N · (p_nk - t_nk); the labels get no gradient.
 */
public final class SoftmaxCrossEntropyKernel implements Kernel<SoftmaxCrossEntropy> {
    private static final int LOGITS = 0;
    private static final int LABELS = 1;

    @Override
    public Object forward(SoftmaxCrossEntropy op, ForwardCall call) {
        int rows = call.inputs().get(LOGITS).shape().dim(0);
        int classes = call.inputs().get(LOGITS).shape().dim(1);
        double[] logits = data(call.inputs().get(LOGITS));
        double[] labels = data(call.inputs().get(LABELS));
        double total = 0;
        for (int n = 0; n < rows; n++) {
            int label = checkedLabel(labels[n], n, classes);
            double[] logProbabilities = LogSoftmaxKernel.logProbabilities(logits, n, classes);
            for (int k = 0; k < classes; k++) {
                total -= target(op, label, k, classes) * logProbabilities[k];
            }
        }
        data(call.output())[0] = total / rows;
        return null;
    }

    @Override
    public void backward(SoftmaxCrossEntropy op, BackwardCall call) {
        if (call.inputGrads().get(LOGITS) == null) {
            return;
        }
        int rows = call.inputs().get(LOGITS).shape().dim(0);
        int classes = call.inputs().get(LOGITS).shape().dim(1);
        double[] logits = data(call.inputs().get(LOGITS));
        double[] labels = data(call.inputs().get(LABELS));
        double lossGrad = data(call.outputGrad())[0];
        double[] dLogits = data(call.inputGrads().get(LOGITS));
        for (int n = 0; n < rows; n++) {
            int label = checkedLabel(labels[n], n, classes);
            double[] logProbabilities = LogSoftmaxKernel.logProbabilities(logits, n, classes);
            for (int k = 0; k < classes; k++) {
                double probability = Math.exp(logProbabilities[k]);
                dLogits[n * classes + k] += lossGrad / rows * (probability - target(op, label, k, classes));
            }
        }
    }

    private static double target(SoftmaxCrossEntropy op, int label, int k, int classes) {
        double smoothing = op.labelSmoothing();
        return (k == label ? 1 - smoothing : 0) + smoothing / classes;
    }

    /** Labels arrive as doubles holding class indices; anything else is a data error, named with its row. */
    private static int checkedLabel(double label, int row, int classes) {
        if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
            boolean whole = label == Math.rint(label) && Math.abs(label) < Long.MAX_VALUE;
            String shown = whole ? Long.toString((long) label) : Double.toString(label);
            throw new IllegalArgumentException("label " + shown + " of batch row " + row
                    + " is not a class index in [0, " + classes + "): the logits have K = " + classes + " classes");
        }
        return (int) label;
    }
}
