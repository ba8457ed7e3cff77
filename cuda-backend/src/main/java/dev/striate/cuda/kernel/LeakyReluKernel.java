package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.LeakyRelu;
import dev.striate.cuda.CudaContext;

/** y = x for x > 0, slope·x otherwise; dx += dy·(1 or slope). An NVRTC kernel: cuDNN has no leaky ReLU. */
public final class LeakyReluKernel implements Kernel<LeakyRelu> {
    private final Launcher launcher;

    public LeakyReluKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(LeakyRelu op, ForwardCall call) {
        long n = call.input().size();
        launcher.overElements("elementwise", "leaky_relu_forward", n, call.input(), call.output(), n,
                (float) op.slope());
        return null;
    }

    @Override
    public void backward(LeakyRelu op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        long n = call.input().size();
        launcher.backwardOverElements(call, "elementwise", "leaky_relu_backward", n, call.input(), call.outputGrad(),
                call.inputGrad(), n, (float) op.slope());
    }

    @Override
    public boolean writesFreshInputGradient(LeakyRelu op, int position) {
        return true;
    }
}
