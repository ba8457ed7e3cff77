package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnActivation;

/**
 * An elementwise activation cuDNN has: y = f(x) forward, dx += dy·f'(x) backward (ELU; those whose derivative
 * can be read off y override backward, {@link OutputDerivativeActivationKernel}). In fp32 and tf32 work it runs on
 * cuDNN; a node stored in bf16 runs on {@code activation.cu} instead, since cuDNN's legacy activation calls do not
 * document BF16 tensors (only checked without a GPU: nvcc and the host emulation).
 */
abstract class ActivationKernel<O extends Op> implements Kernel<O> {
    private final CudaContext context;
    final Launcher launcher;

    ActivationKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
    }

    /** cuDNN's activation mode for the op ({@link CudnnActivation#RELU}, ...). */
    abstract int mode(O op);

    /** The mode's coefficient: the ceiling of a clipped ReLU, ELU's alpha; 0 where unused. */
    abstract double coefficient(O op);

    /** The {@code activation.cu} kernel of the forward in bf16 work: {@code relu_forward}, ... */
    abstract String forwardKernel();

    /** The launch arguments of {@link #forwardKernel()}: (x, y, n), and ELU's alpha after them. */
    Object[] forwardArguments(O op, Tensor x, Tensor y) {
        return new Object[] {x, y, y.size()};
    }

    /** Whether the node's values are stored in bf16, so its own kernels run instead of cuDNN. */
    static boolean storedInBf16(Tensor value) {
        return value.dtype() == DType.BF16;
    }

    @Override
    public Object prepare(O op, NodeSignature signature) {
        if (signature.inputTypes().getFirst() != signature.outputType()) {
            throw new IllegalArgumentException(Op.typeNameOf(op.getClass()) + " on CUDA takes x and y of one type, got "
                    + signature.inputTypes().getFirst() + " and " + signature.outputType() + " for node "
                    + signature.nodeName());
        }
        if (signature.outputType() == DType.BF16) {
            return null;
        }
        return new CudnnActivation(context, signature.inputShape(), mode(op), coefficient(op));
    }

    @Override
    public Object forward(O op, ForwardCall call) {
        if (storedInBf16(call.output())) {
            launcher.overElements("activation", forwardKernel(), call.output().size(),
                    forwardArguments(op, call.input(), call.output()));
        } else {
            ((CudnnActivation) call.prepared()).forward(context.address(call.input()),
                    context.address(call.output()));
        }
        return null;
    }

    /** dx += dy·f'(x) on cuDNN (dx = when fresh): fp32 and tf32 work only (ELU overrides this for bf16). */
    @Override
    public void backward(O op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ((CudnnActivation) call.prepared()).backward(context.address(call.input()), context.address(call.output()),
                context.address(call.outputGrad()), context.address(call.inputGrad()), !call.fresh(0));
    }

    /** Every path writes dx whole when told: cuDNN with beta 0, the NVRTC kernels with accumulate 0. */
    @Override
    public boolean writesFreshInputGradient(O op, int position) {
        return true;
    }
}
