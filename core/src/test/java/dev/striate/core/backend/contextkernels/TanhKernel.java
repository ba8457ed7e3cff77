package dev.striate.core.backend.contextkernels;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Tanh;

/** A kernel that needs no context: made with its no-argument constructor even where a backend has one. */
public final class TanhKernel implements Kernel<Tanh> {
    @Override
    public Object forward(Tanh op, ForwardCall call) {
        throw new UnsupportedOperationException("only constructed in tests");
    }

    @Override
    public void backward(Tanh op, BackwardCall call) {
        throw new UnsupportedOperationException("only constructed in tests");
    }
}
