package dev.striate.cpu.kernel;

import dev.striate.core.tensor.ChannelLayout;
import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Maxout;

/**
 * Maxout: output channel j is the maximum of input channels j·k .. j·k + k - 1 (k = pieces). The gradient goes to
 * the input that was the maximum, the first of them on a tie.
 */
public final class MaxoutKernel implements Kernel<Maxout> {
    @Override
    public Object forward(Maxout op, ForwardCall call) {
        ChannelLayout in = ChannelLayout.of(call.input().shape());
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        double[] x = data(call.input());
        double[] y = data(call.output());
        for (int n = 0; n < out.batch(); n++) {
            for (int j = 0; j < out.channels(); j++) {
                for (int s = 0; s < out.positions(); s++) {
                    y[out.index(n, j, s)] = x[in.index(n, winningChannel(op, x, in, n, j, s), s)];
                }
            }
        }
        return null;
    }

    @Override
    public void backward(Maxout op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ChannelLayout in = ChannelLayout.of(call.input().shape());
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        double[] x = data(call.input());
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        for (int n = 0; n < out.batch(); n++) {
            for (int j = 0; j < out.channels(); j++) {
                for (int s = 0; s < out.positions(); s++) {
                    dx[in.index(n, winningChannel(op, x, in, n, j, s), s)] += dy[out.index(n, j, s)];
                }
            }
        }
    }

    /** The input channel holding the maximum of output channel j's pieces at (n, s); the first one on a tie. */
    private static int winningChannel(Maxout op, double[] x, ChannelLayout in, int n, int j, int s) {
        int best = j * op.pieces();
        for (int c = best + 1; c < (j + 1) * op.pieces(); c++) {
            if (x[in.index(n, c, s)] > x[in.index(n, best, s)]) {
                best = c;
            }
        }
        return best;
    }
}
