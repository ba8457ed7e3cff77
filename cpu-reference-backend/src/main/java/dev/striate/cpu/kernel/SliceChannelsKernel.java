package dev.striate.cpu.kernel;

import dev.striate.core.tensor.ChannelLayout;
import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.SliceChannels;

/** Output channel c is input channel start + c; the other input channels get no gradient. */
public final class SliceChannelsKernel implements Kernel<SliceChannels> {
    @Override
    public Object forward(SliceChannels op, ForwardCall call) {
        ChannelLayout in = ChannelLayout.of(call.input().shape());
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        double[] x = data(call.input());
        double[] y = data(call.output());
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < out.channels(); c++) {
                for (int s = 0; s < out.positions(); s++) {
                    y[out.index(n, c, s)] = x[in.index(n, op.start() + c, s)];
                }
            }
        }
        return null;
    }

    @Override
    public void backward(SliceChannels op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ChannelLayout in = ChannelLayout.of(call.input().shape());
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < out.channels(); c++) {
                for (int s = 0; s < out.positions(); s++) {
                    dx[in.index(n, op.start() + c, s)] += dy[out.index(n, c, s)];
                }
            }
        }
    }
}
