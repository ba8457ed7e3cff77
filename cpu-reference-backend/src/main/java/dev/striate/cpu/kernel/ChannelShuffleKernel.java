package dev.striate.cpu.kernel;

import dev.striate.core.tensor.ChannelLayout;
import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.ChannelShuffle;

/**
 * ShuffleNet's channel shuffle, a permutation of channels: output channel i·groups + g is input channel
 * g·(C/groups) + i. Backward sends each output channel's gradient back to the channel it came from.
 */
public final class ChannelShuffleKernel implements Kernel<ChannelShuffle> {
    @Override
    public Object forward(ChannelShuffle op, ForwardCall call) {
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        double[] x = data(call.input());
        double[] y = data(call.output());
        for (int n = 0; n < layout.batch(); n++) {
            for (int c = 0; c < layout.channels(); c++) {
                for (int s = 0; s < layout.positions(); s++) {
                    y[layout.index(n, c, s)] = x[layout.index(n, sourceChannel(op, layout, c), s)];
                }
            }
        }
        return null;
    }

    @Override
    public void backward(ChannelShuffle op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        for (int n = 0; n < layout.batch(); n++) {
            for (int c = 0; c < layout.channels(); c++) {
                for (int s = 0; s < layout.positions(); s++) {
                    dx[layout.index(n, sourceChannel(op, layout, c), s)] += dy[layout.index(n, c, s)];
                }
            }
        }
    }

    /** The input channel that output channel i·groups + g comes from. */
    private static int sourceChannel(ChannelShuffle op, ChannelLayout layout, int outputChannel) {
        int i = outputChannel / op.groups();
        int g = outputChannel % op.groups();
        return g * (layout.channels() / op.groups()) + i;
    }
}
