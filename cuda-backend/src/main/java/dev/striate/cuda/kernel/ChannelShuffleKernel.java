package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.ChannelShuffle;
import dev.striate.core.tensor.ChannelLayout;
import dev.striate.cuda.CudaContext;

/** Output channel i·groups + g is input channel g·(C/groups) + i; backward sends each gradient back. */
public final class ChannelShuffleKernel implements Kernel<ChannelShuffle> {
    private final Launcher launcher;

    public ChannelShuffleKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(ChannelShuffle op, ForwardCall call) {
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        launcher.overElements("channels", "channel_shuffle_forward", call.input().size(), call.input(),
                call.output(), layout.batch(), layout.channels(), layout.positions(), op.groups());
        return null;
    }

    @Override
    public void backward(ChannelShuffle op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        launcher.overElements("channels", "channel_shuffle_backward", call.input().size(), call.outputGrad(),
                call.inputGrad(), layout.batch(), layout.channels(), layout.positions(), op.groups());
    }
}
