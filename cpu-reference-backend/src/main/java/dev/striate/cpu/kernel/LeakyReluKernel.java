package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.LeakyRelu;

/** y = x for x > 0, slope·x otherwise; dy/dx = 1 or slope (slope at 0, as PyTorch). */
public final class LeakyReluKernel implements Kernel<LeakyRelu> {
    @Override
    public Object forward(LeakyRelu op, ForwardCall call) {
        Elementwise.forward(call, x -> x > 0 ? x : op.slope() * x);
        return null;
    }

    @Override
    public void backward(LeakyRelu op, BackwardCall call) {
        Elementwise.backwardFromInput(call, x -> x > 0 ? 1 : op.slope());
    }
}
