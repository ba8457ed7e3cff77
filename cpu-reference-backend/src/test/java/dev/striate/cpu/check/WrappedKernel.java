package dev.striate.cpu.check;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Op;

/** A kernel that does what another does; subclasses change the calls they are about (as WrappedCpuBackend does). */
public class WrappedKernel<O extends Op> implements Kernel<O> {
    protected final Kernel<O> kernel;

    public WrappedKernel(Kernel<O> kernel) {
        this.kernel = kernel;
    }

    @Override
    public Object prepare(O op, NodeSignature signature) {
        return kernel.prepare(op, signature);
    }

    @Override
    public Object forward(O op, ForwardCall call) {
        return kernel.forward(op, call);
    }

    @Override
    public void backward(O op, BackwardCall call) {
        kernel.backward(op, call);
    }

    @Override
    public boolean writesFreshInputGradient(O op, int position) {
        return kernel.writesFreshInputGradient(op, position);
    }
}
