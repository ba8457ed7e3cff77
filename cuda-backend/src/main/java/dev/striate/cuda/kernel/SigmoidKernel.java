package dev.striate.cuda.kernel;

import dev.striate.core.op.Sigmoid;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/**
 * y = 1 / (1 + e^-x) on cuDNN (bf16 work: {@code activation.cu}); dx += dy·y·(1 - y), from y alone.
 */
public final class SigmoidKernel extends OutputDerivativeActivationKernel<Sigmoid> {
    public SigmoidKernel(CudaContext context) {
        super(context);
    }

    @Override
    int mode(Sigmoid op) {
        return CudnnActivation.SIGMOID;
    }

    @Override
    double coefficient(Sigmoid op) {
        return 0;
    }

    @Override
    String forwardKernel() {
        return "sigmoid_forward";
    }

    @Override
    String backwardKernel() {
        return "sigmoid_backward";
    }
}
