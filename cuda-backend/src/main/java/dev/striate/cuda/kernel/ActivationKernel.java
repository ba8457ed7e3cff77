package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Op;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/**
 * An elementwise activation cuDNN has: y = f(x) forward, dx += dy·f'(x) backward (ELU; those whose derivative
 * can be read off y override backward, {@link OutputDerivativeActivationKernel}).
 */
abstract class ActivationKernel<O extends Op> implements Kernel<O> {
    private final CudaContext context;

    ActivationKernel(CudaContext context) {
        this.context = context;
    }

    /** cuDNN's activation mode for the op ({@link CudnnActivation#RELU}, ...). */
    abstract int mode(O op);

    /** The mode's coefficient: the ceiling of a clipped ReLU, ELU's alpha; 0 where unused. */
    abstract double coefficient(O op);

    @Override
    public Object prepare(O op, NodeSignature signature) {
        return new CudnnActivation(context, signature.inputShape(), mode(op), coefficient(op));
    }

    @Override
    public Object forward(O op, ForwardCall call) {
        ((CudnnActivation) call.prepared()).forward(context.address(call.input()), context.address(call.output()));
        return null;
    }

    @Override
    public void backward(O op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ((CudnnActivation) call.prepared()).backward(context.address(call.input()), context.address(call.output()),
                context.address(call.outputGrad()), context.address(call.inputGrad()));
    }
}
