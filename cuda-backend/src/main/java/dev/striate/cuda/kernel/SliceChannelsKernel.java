package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.SliceChannels;
import dev.striate.core.tensor.ChannelLayout;
import dev.striate.cuda.CudaContext;

/** Output channel c is input channel start + c; the other input channels get no gradient. */
public final class SliceChannelsKernel implements Kernel<SliceChannels> {
    private final Launcher launcher;

    public SliceChannelsKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(SliceChannels op, ForwardCall call) {
        ChannelLayout in = ChannelLayout.of(call.input().shape());
        int count = op.end() - op.start();
        launcher.overElements("channels", "copy_channels", call.output().size(), call.input(), call.output(),
                in.batch(), in.channels(), count, in.positions(), op.start(), 0, count);
        return null;
    }

    @Override
    public void backward(SliceChannels op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ChannelLayout in = ChannelLayout.of(call.input().shape());
        int count = op.end() - op.start();
        launcher.overElements("channels", "accumulate_channels", call.output().size(), call.outputGrad(),
                call.inputGrad(), in.batch(), count, in.channels(), in.positions(), 0, op.start(), count);
    }
}
