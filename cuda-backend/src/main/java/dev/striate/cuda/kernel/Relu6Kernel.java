package dev.striate.cuda.kernel;

import dev.striate.core.op.Relu6;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/**
 * y = min(max(0, x), 6): cuDNN's clipped ReLU with ceiling 6 (bf16 work: {@code activation.cu}); dx += dy where 0 < y
 * < 6, from y alone.
 */
public final class Relu6Kernel extends OutputDerivativeActivationKernel<Relu6> {
    public Relu6Kernel(CudaContext context) {
        super(context);
    }

    @Override
    int mode(Relu6 op) {
        return CudnnActivation.CLIPPED_RELU;
    }

    @Override
    double coefficient(Relu6 op) {
        return 6;
    }

    @Override
    String forwardKernel() {
        return "relu6_forward";
    }

    @Override
    String backwardKernel() {
        return "relu6_backward";
    }
}
