package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Flatten;
import dev.striate.cuda.CudaContext;

/** [N, C, H, W] to [N, C·H·W]: the elements keep their order, so forward copies and backward adds. */
public final class FlattenKernel implements Kernel<Flatten> {
    private final Launcher launcher;

    public FlattenKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(Flatten op, ForwardCall call) {
        launcher.copy(call.input(), call.output());
        return null;
    }

    @Override
    public void backward(Flatten op, BackwardCall call) {
        if (call.inputGrad() != null) {
            launcher.accumulate(call.outputGrad(), call.inputGrad());
        }
    }
}
