package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.op.Op;
import dev.striate.cuda.CudaContext;

/**
 * An activation whose derivative can be read off its output (ReLU, ReLU6, sigmoid, tanh): forward as
 * {@link ActivationKernel}, and backward dx += dy·f'(y) by an {@code elementwise.cu} kernel in every precision, which
 * needs y only where {@code cudnnActivationBackward} needs x as well, so a planned step frees x once forward has read
 * it ({@link dev.striate.core.op.BackwardReads}).
 */
abstract class OutputDerivativeActivationKernel<O extends Op> extends ActivationKernel<O> {
    OutputDerivativeActivationKernel(CudaContext context) {
        super(context);
    }

    /** The {@code elementwise.cu} kernel (y, dy, dx, n, accumulate) of the op: {@code relu_backward}, ... */
    abstract String backwardKernel();

    @Override
    public void backward(O op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        long n = call.output().size();
        launcher.backwardOverElements(call, "elementwise", backwardKernel(), n, call.output(), call.outputGrad(),
                call.inputGrad(), n);
    }
}
