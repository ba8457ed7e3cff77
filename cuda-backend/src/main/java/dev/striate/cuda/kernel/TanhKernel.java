package dev.striate.cuda.kernel;

import dev.striate.core.op.Tanh;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/**
 * y = tanh(x) on cuDNN (bf16 work: {@code activation.cu}); dx += dy·(1 - y²), from y alone.
 */
public final class TanhKernel extends OutputDerivativeActivationKernel<Tanh> {
    public TanhKernel(CudaContext context) {
        super(context);
    }

    @Override
    int mode(Tanh op) {
        return CudnnActivation.TANH;
    }

    @Override
    double coefficient(Tanh op) {
        return 0;
    }

    @Override
    String forwardKernel() {
        return "tanh_forward";
    }

    @Override
    String backwardKernel() {
        return "tanh_backward";
    }
}
