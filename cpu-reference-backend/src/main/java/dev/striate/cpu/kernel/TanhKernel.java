package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Tanh;

/** y = tanh(x); dy/dx = 1 - y². */
public final class TanhKernel implements Kernel<Tanh> {
    @Override
    public Object forward(Tanh op, ForwardCall call) {
        Elementwise.forward(call, Math::tanh);
        return null;
    }

    @Override
    public void backward(Tanh op, BackwardCall call) {
        Elementwise.backwardFromOutput(call, y -> 1 - y * y);
    }
}
