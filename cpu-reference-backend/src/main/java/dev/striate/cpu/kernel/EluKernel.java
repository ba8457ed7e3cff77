package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Elu;

/** y = x for x > 0, alpha·(e^x - 1) otherwise; dy/dx = 1 or alpha·e^x (alpha at 0, as PyTorch). */
public final class EluKernel implements Kernel<Elu> {
    @Override
    public Object forward(Elu op, ForwardCall call) {
        Elementwise.forward(call, x -> x > 0 ? x : op.alpha() * (Math.exp(x) - 1));
        return null;
    }

    @Override
    public void backward(Elu op, BackwardCall call) {
        Elementwise.backwardFromInput(call, x -> x > 0 ? 1 : op.alpha() * Math.exp(x));
    }
}
