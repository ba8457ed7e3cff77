package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Sigmoid;

/** y = 1 / (1 + e^-x); dy/dx = y·(1 - y). */
public final class SigmoidKernel implements Kernel<Sigmoid> {
    @Override
    public Object forward(Sigmoid op, ForwardCall call) {
        Elementwise.forward(call, x -> 1 / (1 + Math.exp(-x)));
        return null;
    }

    @Override
    public void backward(Sigmoid op, BackwardCall call) {
        Elementwise.backwardFromOutput(call, y -> y * (1 - y));
    }
}
