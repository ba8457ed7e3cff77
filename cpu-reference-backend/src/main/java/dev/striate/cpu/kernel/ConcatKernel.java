package dev.striate.cpu.kernel;

import dev.striate.core.tensor.ChannelLayout;
import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Concat;
import dev.striate.core.tensor.Tensor;

/**
 * Concatenation along channels: input k's channel c is output channel offset_k + c, where offset_k is the number
 * of channels of the inputs before it. Backward hands each input its slice of dL/dy.
 */
public final class ConcatKernel implements Kernel<Concat> {
    @Override
    public Object forward(Concat op, ForwardCall call) {
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        double[] y = data(call.output());
        int offset = 0;
        for (Tensor input : call.inputs()) {
            ChannelLayout in = ChannelLayout.of(input.shape());
            double[] x = data(input);
            for (int n = 0; n < in.batch(); n++) {
                for (int c = 0; c < in.channels(); c++) {
                    for (int s = 0; s < in.positions(); s++) {
                        y[out.index(n, offset + c, s)] = x[in.index(n, c, s)];
                    }
                }
            }
            offset += in.channels();
        }
        return null;
    }

    @Override
    public void backward(Concat op, BackwardCall call) {
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        double[] dy = data(call.outputGrad());
        int offset = 0;
        for (int k = 0; k < call.inputs().size(); k++) {
            ChannelLayout in = ChannelLayout.of(call.inputs().get(k).shape());
            Tensor inputGrad = call.inputGrads().get(k);
            if (inputGrad != null) {
                double[] dx = data(inputGrad);
                for (int n = 0; n < in.batch(); n++) {
                    for (int c = 0; c < in.channels(); c++) {
                        for (int s = 0; s < in.positions(); s++) {
                            dx[in.index(n, c, s)] += dy[out.index(n, offset + c, s)];
                        }
                    }
                }
            }
            offset += in.channels();
        }
    }
}
