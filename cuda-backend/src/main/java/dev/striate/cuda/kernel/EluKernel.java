package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.op.Elu;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/**
 * y = x for x > 0, alpha·(e^x - 1) otherwise: cuDNN's ELU with coefficient alpha; in bf16 work
 * {@code activation.cu}'s {@code elu_forward} and {@code elu_backward} (dx += dy·(x > 0 ? 1 : alpha·e^x)).
 */
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

    @Override
    String forwardKernel() {
        return "elu_forward";
    }

    @Override
    Object[] forwardArguments(Elu op, Tensor x, Tensor y) {
        return new Object[] {x, y, y.size(), (float) op.alpha()};
    }

    @Override
    public void backward(Elu op, BackwardCall call) {
        if (call.inputGrad() == null || !storedInBf16(call.output())) {
            super.backward(op, call);
            return;
        }
        long n = call.input().size();
        launcher.backwardOverElements(call, "activation", "elu_backward", n, call.input(), call.outputGrad(),
                call.inputGrad(), n, (float) op.alpha());
    }
}
