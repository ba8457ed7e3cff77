package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnLogSoftmax;

/**
 * log softmax over each row of [N, K]; backward dx += dy - e^y·Σ dy. On cuDNN in fp32 and tf32 work; a node stored in
 * bf16 runs on {@code loss.cu}'s {@code log_softmax_*} kernels (one block per row, max and Σ e^x in float), since
 * cuDNN's legacy softmax does not document BF16 tensors (only checked without a GPU: nvcc and the host emulation).
 */
public final class LogSoftmaxKernel implements Kernel<LogSoftmax> {
    private final CudaContext context;
    private final Launcher launcher;

    public LogSoftmaxKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
    }

    @Override
    public Object prepare(LogSoftmax op, NodeSignature signature) {
        if (signature.inputTypes().getFirst() != signature.outputType()) {
            throw new IllegalArgumentException("log_softmax on CUDA takes x and y of one type, got "
                    + signature.inputTypes().getFirst() + " and " + signature.outputType() + " for node "
                    + signature.nodeName());
        }
        if (signature.outputType() == DType.BF16) {
            return null;
        }
        Shape in = signature.inputShape();
        return new CudnnLogSoftmax(context, in.dim(0), in.dim(1));
    }

    @Override
    public Object forward(LogSoftmax op, ForwardCall call) {
        Tensor y = call.output();
        if (y.dtype() == DType.BF16) {
            launcher.withBlocks("loss", "log_softmax_forward", y.shape().dim(0), call.input(), y, y.shape().dim(1));
        } else {
            ((CudnnLogSoftmax) call.prepared()).forward(context.address(call.input()), context.address(y));
        }
        return null;
    }

    @Override
    public void backward(LogSoftmax op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        Tensor y = call.output();
        if (y.dtype() == DType.BF16) {
            launcher.withBlocks("loss", "log_softmax_backward", y.shape().dim(0), y, call.outputGrad(),
                    call.inputGrad(), y.shape().dim(1), Launcher.accumulateFlag(call, 0));
        } else {
            ((CudnnLogSoftmax) call.prepared()).backward(context.address(y), context.address(call.outputGrad()),
                    context.address(call.inputGrad()), !call.fresh(0));
        }
    }

    /** Both paths write dx whole when told (beta 0 on cuDNN, accumulate 0 on {@code loss.cu}). */
    @Override
    public boolean writesFreshInputGradient(LogSoftmax op, int position) {
        return true;
    }
}
