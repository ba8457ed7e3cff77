package dev.striate.cuda.kernel;

import dev.striate.core.op.Tanh;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/** y = tanh(x); dy/dx = 1 - y². */
public final class TanhKernel extends ActivationKernel<Tanh> {
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
}
