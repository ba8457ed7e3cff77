package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Concat;
import dev.striate.core.tensor.ChannelLayout;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;

/**
 * Concatenation along channels: input k fills output channels offset_k .. offset_k + C_k - 1; backward adds each
 * input its slice of dL/dy (an input given twice gets both slices, one launch after the other).
 */
public final class ConcatKernel implements Kernel<Concat> {
    private final Launcher launcher;

    public ConcatKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(Concat op, ForwardCall call) {
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        int offset = 0;
        for (Tensor input : call.inputs()) {
            int channels = input.shape().channels();
            launcher.overElements("channels", "copy_channels", input.size(), input, call.output(), out.batch(),
                    channels, out.channels(), out.positions(), 0, offset, channels);
            offset += channels;
        }
        return null;
    }

    @Override
    public void backward(Concat op, BackwardCall call) {
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        int offset = 0;
        for (int k = 0; k < call.inputs().size(); k++) {
            Tensor input = call.inputs().get(k);
            int channels = input.shape().channels();
            Tensor inputGrad = call.inputGrads().get(k);
            if (inputGrad != null) {
                // A fresh gradient is written whole: all of its channels come from this slice of dy.
                launcher.overElements("channels", call.fresh(k) ? "copy_channels" : "accumulate_channels",
                        input.size(), call.outputGrad(), inputGrad, out.batch(), out.channels(), channels,
                        out.positions(), offset, 0, channels);
            }
            offset += channels;
        }
    }

    @Override
    public boolean writesFreshInputGradient(Concat op, int position) {
        return true;
    }
}
