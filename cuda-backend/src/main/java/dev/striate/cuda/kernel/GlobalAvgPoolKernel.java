package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.CudaContext;

/** y[n,c] = mean of x[n,c,:,:]; backward gives every cell dy[n,c] / (H·W). NVRTC kernels in {@code pooling.cu}. */
public final class GlobalAvgPoolKernel implements Kernel<GlobalAvgPool> {
    private final Launcher launcher;

    public GlobalAvgPoolKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(GlobalAvgPool op, ForwardCall call) {
        Shape in = call.input().shape();
        launcher.overElements("pooling", "global_avg_pool_forward", call.output().size(), call.input(),
                call.output(), in.batch(), in.channels(), in.height() * in.width());
        return null;
    }

    @Override
    public void backward(GlobalAvgPool op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        Shape in = call.input().shape();
        launcher.backwardOverElements(call, "pooling", "global_avg_pool_backward", call.input().size(),
                call.outputGrad(), call.inputGrad(), in.batch(), in.channels(), in.height() * in.width());
    }

    /** Every input gradient element is written, so a fresh one is written whole. */
    @Override
    public boolean writesFreshInputGradient(GlobalAvgPool op, int position) {
        return true;
    }
}
