package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Relu6;

/**
 * y = min(max(0, x), 6); dy/dx = 1 for 0 < x < 6, else 0 (0 at both kinks, as PyTorch's hardtanh), read off the
 * output: 0 < y < 6 exactly where 0 < x < 6, so backward needs only y.
 */
public final class Relu6Kernel implements Kernel<Relu6> {
    @Override
    public Object forward(Relu6 op, ForwardCall call) {
        Elementwise.forward(call, x -> Math.min(Math.max(0, x), 6));
        return null;
    }

    @Override
    public void backward(Relu6 op, BackwardCall call) {
        Elementwise.backwardFromOutput(call, y -> y > 0 && y < 6 ? 1 : 0);
    }
}
