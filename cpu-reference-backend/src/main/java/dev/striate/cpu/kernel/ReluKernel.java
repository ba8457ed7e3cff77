package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Relu;

/**
 * y = max(0, x); dy/dx = 1 for x > 0, else 0 (0 at the kink, as PyTorch), read off the output: y > 0 exactly where
 * x > 0, so backward needs only y (as PyTorch's in-place ReLU).
 */
public final class ReluKernel implements Kernel<Relu> {
    @Override
    public Object forward(Relu op, ForwardCall call) {
        Elementwise.forward(call, x -> Math.max(0, x));
        return null;
    }

    @Override
    public void backward(Relu op, BackwardCall call) {
        Elementwise.backwardFromOutput(call, y -> y > 0 ? 1 : 0);
    }
}
