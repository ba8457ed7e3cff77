package dev.striate.cuda.kernel;

import dev.striate.core.op.Elu;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/** y = x for x > 0, alpha·(e^x - 1) otherwise: cuDNN's ELU with coefficient alpha. */
public final class EluKernel extends ActivationKernel<Elu> {
    public EluKernel(CudaContext context) {
        super(context);
    }

    @Override
    int mode(Elu op) {
        return CudnnActivation.ELU;
    }

    @Override
    double coefficient(Elu op) {
        return op.alpha();
    }
}
