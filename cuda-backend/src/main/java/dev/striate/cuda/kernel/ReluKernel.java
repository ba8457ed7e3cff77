package dev.striate.cuda.kernel;

import dev.striate.core.op.Relu;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/**
 * y = max(0, x) on cuDNN (bf16 work: {@code activation.cu}); dx += dy where y > 0 (the reference's 0 at x = 0), from y
 * alone.
 */
public final class ReluKernel extends OutputDerivativeActivationKernel<Relu> {
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

    @Override
    String forwardKernel() {
        return "relu_forward";
    }

    @Override
    String backwardKernel() {
        return "relu_backward";
    }
}
