package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Flatten;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.CudaContext;

/**
 * [N, C, H, W] to [N, C·H·W] in NCHW order (PyTorch's, which the next layer's weights assume). An NCHW input already
 * lies in that order, so forward copies and backward adds; a channels-last one is reordered by {@code channels.cu}'s
 * flatten kernels.
 */
public final class FlattenKernel implements Kernel<Flatten> {
    private final CudaContext context;
    private final Launcher launcher;

    public FlattenKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(Flatten op, ForwardCall call) {
        if (context.layoutOf(call.input()) == ActivationLayout.NHWC) {
            Shape in = call.input().shape();
            launcher.overElements("channels", "flatten_forward", call.input().size(), call.input(), call.output(),
                    in.batch(), in.channels(), in.height() * in.width());
        } else {
            launcher.copy(call.input(), call.output());
        }
        return null;
    }

    @Override
    public void backward(Flatten op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        if (context.layoutOf(call.inputGrad()) == ActivationLayout.NHWC) {
            Shape in = call.inputGrad().shape();
            launcher.backwardOverElements(call, "channels", "flatten_backward", call.inputGrad().size(),
                    call.outputGrad(), call.inputGrad(), in.batch(), in.channels(), in.height() * in.width());
        } else if (call.fresh(0)) {
            launcher.copy(call.outputGrad(), call.inputGrad());
        } else {
            launcher.accumulate(call.outputGrad(), call.inputGrad());
        }
    }

    @Override
    public boolean writesFreshInputGradient(Flatten op, int position) {
        return true;
    }
}
