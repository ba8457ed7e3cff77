package dev.striate.cpu.kernel;

import dev.striate.core.tensor.ChannelLayout;
import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Lrn;

/**
 * Local response normalization across channels, as PyTorch's {@code LocalResponseNorm}: b_c = a_c · s_c^-beta with
 * s_c = k + alpha/size · Σ a_j² over the window j = c - size/2 .. c + (size-1)/2, clipped to the channels.
 * Forward returns the s of every element for backward.
 */
public final class LrnKernel implements Kernel<Lrn> {
    @Override
    public Object forward(Lrn op, ForwardCall call) {
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        double[] a = data(call.input());
        double[] b = data(call.output());
        double[] scale = new double[a.length];
        for (int n = 0; n < layout.batch(); n++) {
            for (int s = 0; s < layout.positions(); s++) {
                for (int c = 0; c < layout.channels(); c++) {
                    double sumOfSquares = 0;
                    for (int j = windowFirst(op, c); j <= windowLast(op, c, layout.channels()); j++) {
                        double aj = a[layout.index(n, j, s)];
                        sumOfSquares += aj * aj;
                    }
                    int i = layout.index(n, c, s);
                    scale[i] = op.k() + op.alpha() / op.size() * sumOfSquares;
                    b[i] = a[i] * Math.pow(scale[i], -op.beta());
                }
            }
        }
        return scale;
    }

    /**
     * a_i enters b_i directly and, through s_c, every b_c whose window holds i:
     * dL/da_i = g_i · s_i^-beta - 2·alpha·beta/size · a_i · Σ_c g_c · a_c · s_c^(-beta-1).
     * The window of c holds i exactly when c runs from i - (size-1)/2 to i + size/2.
     */
    @Override
    public void backward(Lrn op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        double[] a = data(call.input());
        double[] scale = (double[]) call.saved();
        double[] g = data(call.outputGrad());
        double[] da = data(call.inputGrad());
        for (int n = 0; n < layout.batch(); n++) {
            for (int s = 0; s < layout.positions(); s++) {
                for (int i = 0; i < layout.channels(); i++) {
                    int first = Math.max(0, i - (op.size() - 1) / 2);
                    int last = Math.min(layout.channels() - 1, i + op.size() / 2);
                    double throughScales = 0;
                    for (int c = first; c <= last; c++) {
                        int ci = layout.index(n, c, s);
                        throughScales += g[ci] * a[ci] * Math.pow(scale[ci], -op.beta() - 1);
                    }
                    int ii = layout.index(n, i, s);
                    da[ii] += g[ii] * Math.pow(scale[ii], -op.beta())
                            - 2 * op.alpha() * op.beta() / op.size() * a[ii] * throughScales;
                }
            }
        }
    }

    private static int windowFirst(Lrn op, int c) {
        return Math.max(0, c - op.size() / 2);
    }

    private static int windowLast(Lrn op, int c, int channels) {
        return Math.min(channels - 1, c + (op.size() - 1) / 2);
    }
}
