package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Lrn;
import dev.striate.core.tensor.ChannelLayout;
import dev.striate.cuda.CudaContext;

/**
 * Local response normalization across channels as the reference (PyTorch's window, alpha divided by size): NVRTC
 * kernels in {@code lrn.cu}. cuDNN's LRN centres even-sized windows differently and allows sizes up to 16 only.
 */
public final class LrnKernel implements Kernel<Lrn> {
    private final Launcher launcher;

    public LrnKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(Lrn op, ForwardCall call) {
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        launcher.overElements("lrn", "lrn_forward", call.input().size(), call.input(), call.output(),
                layout.batch(), layout.channels(), layout.positions(), op.size(), (float) op.alpha(),
                (float) op.beta(), (float) op.k());
        return null;
    }

    @Override
    public void backward(Lrn op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        launcher.overElements("lrn", "lrn_backward", call.input().size(), call.input(), call.outputGrad(),
                call.inputGrad(), layout.batch(), layout.channels(), layout.positions(), op.size(),
                (float) op.alpha(), (float) op.beta(), (float) op.k());
    }
}
