package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Maxout;
import dev.striate.core.tensor.ChannelLayout;
import dev.striate.cuda.CudaContext;

/** Output channel j is the maximum of input channels j·k .. j·k + k - 1; the first maximum takes the gradient. */
public final class MaxoutKernel implements Kernel<Maxout> {
    private final Launcher launcher;

    public MaxoutKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(Maxout op, ForwardCall call) {
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        launcher.overElements("channels", "maxout_forward", call.output().size(), call.input(), call.output(),
                out.batch(), out.channels(), out.positions(), op.pieces());
        return null;
    }

    @Override
    public void backward(Maxout op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ChannelLayout out = ChannelLayout.of(call.output().shape());
        launcher.overElements("channels", "maxout_backward", call.output().size(), call.input(), call.outputGrad(),
                call.inputGrad(), out.batch(), out.channels(), out.positions(), op.pieces());
    }
}
