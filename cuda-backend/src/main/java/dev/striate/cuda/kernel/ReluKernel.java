package dev.striate.cuda.kernel;

import dev.striate.core.op.Relu;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/** y = max(0, x); dy/dx = 1 for x > 0, else 0. */
public final class ReluKernel extends ActivationKernel<Relu> {
    public ReluKernel(CudaContext context) {
        super(context);
    }

    @Override
    int mode(Relu op) {
        return CudnnActivation.RELU;
    }

    @Override
    double coefficient(Relu op) {
        return 0;
    }
}
