package dev.striate.cpu.check;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Op;

/**
 * A reference kernel that says it writes every input gradient whole when told it is fresh
 * ({@link Kernel#writesFreshInputGradient}), and does so by zeroing a fresh gradient before the reference adds into
 * it: what a GPU kernel writing with beta 0 computes. An executor that hands a gradient over uninitialized without
 * marking it fresh leaves NaN in it (the poisoning backend's uninitialized memory); one that marks a gradient fresh
 * after another node added into it loses that node's share. Either way the results differ from the reference's.
 */
final class FreshWritingKernel<O extends Op> extends WrappedKernel<O> {
    private final Backend backend;

    FreshWritingKernel(Kernel<O> reference, Backend backend) {
        super(reference);
        this.backend = backend;
    }

    @Override
    public void backward(O op, BackwardCall call) {
        for (int position = 0; position < call.inputGrads().size(); position++) {
            if (call.fresh(position)) {
                backend.fill(call.inputGrads().get(position), 0);
            }
        }
        kernel.backward(op, call);
    }

    @Override
    public boolean writesFreshInputGradient(O op, int position) {
        return true;
    }
}
