package dev.striate.core.backend.contextkernels;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Relu;

/** A kernel made with its backend's context; it only records which context it got. */
public final class ReluKernel implements Kernel<Relu> {
    public final StringBuilder context;

    public ReluKernel(StringBuilder context) {
        this.context = context;
    }

    @Override
    public Object forward(Relu op, ForwardCall call) {
        throw new UnsupportedOperationException("only constructed in tests");
    }

    @Override
    public void backward(Relu op, BackwardCall call) {
        throw new UnsupportedOperationException("only constructed in tests");
    }
}
