package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.Tensor;

/**
 * Fully connected, y = x·Wᵀ + b on x [N, in], W [out, in]: y[n,o] = b[o] + Σ_i x[n,i]·W[o,i].
 * Backward: dL/dx[n,i] = Σ_o dL/dy[n,o]·W[o,i], dL/dW[o,i] = Σ_n dL/dy[n,o]·x[n,i], dL/db[o] = Σ_n dL/dy[n,o].
 */
public final class LinearKernel implements Kernel<Linear> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;

    @Override
    public Object forward(Linear op, ForwardCall call) {
        int batch = call.input().shape().dim(0);
        int inFeatures = call.input().shape().dim(1);
        int outFeatures = op.outFeatures();
        double[] x = data(call.input());
        double[] w = data(call.params().get(WEIGHT));
        double[] b = op.bias() ? data(call.params().get(BIAS)) : null;
        double[] y = data(call.output());
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outFeatures; o++) {
                double sum = b == null ? 0 : b[o];
                for (int i = 0; i < inFeatures; i++) {
                    sum += x[n * inFeatures + i] * w[o * inFeatures + i];
                }
                y[n * outFeatures + o] = sum;
            }
        }
        return null;
    }

    @Override
    public void backward(Linear op, BackwardCall call) {
        int batch = call.input().shape().dim(0);
        int inFeatures = call.input().shape().dim(1);
        int outFeatures = op.outFeatures();
        double[] x = data(call.input());
        double[] w = data(call.params().get(WEIGHT));
        double[] dy = data(call.outputGrad());
        Tensor inputGrad = call.inputGrad();
        Tensor weightGrad = call.paramGrads().get(WEIGHT);
        Tensor biasGrad = op.bias() ? call.paramGrads().get(BIAS) : null;
        if (inputGrad != null) {
            double[] dx = data(inputGrad);
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < inFeatures; i++) {
                    double sum = 0;
                    for (int o = 0; o < outFeatures; o++) {
                        sum += dy[n * outFeatures + o] * w[o * inFeatures + i];
                    }
                    dx[n * inFeatures + i] += sum;
                }
            }
        }
        if (weightGrad != null) {
            double[] dw = data(weightGrad);
            for (int o = 0; o < outFeatures; o++) {
                for (int i = 0; i < inFeatures; i++) {
                    double sum = 0;
                    for (int n = 0; n < batch; n++) {
                        sum += dy[n * outFeatures + o] * x[n * inFeatures + i];
                    }
                    dw[o * inFeatures + i] += sum;
                }
            }
        }
        if (biasGrad != null) {
            double[] db = data(biasGrad);
            for (int o = 0; o < outFeatures; o++) {
                for (int n = 0; n < batch; n++) {
                    db[o] += dy[n * outFeatures + o];
                }
            }
        }
    }
}
