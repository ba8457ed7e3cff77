package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnLogSoftmax;

/** log softmax over each row of [N, K] on cuDNN; backward dx += dy - e^y·Σ dy. */
public final class LogSoftmaxKernel implements Kernel<LogSoftmax> {
    private final CudaContext context;

    public LogSoftmaxKernel(CudaContext context) {
        this.context = context;
    }

    @Override
    public Object prepare(LogSoftmax op, NodeSignature signature) {
        Shape in = signature.inputShape();
        return new CudnnLogSoftmax(context, in.dim(0), in.dim(1));
    }

    @Override
    public Object forward(LogSoftmax op, ForwardCall call) {
        ((CudnnLogSoftmax) call.prepared()).forward(context.address(call.input()), context.address(call.output()));
        return null;
    }

    @Override
    public void backward(LogSoftmax op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ((CudnnLogSoftmax) call.prepared()).backward(context.address(call.output()),
                context.address(call.outputGrad()), context.address(call.inputGrad()));
    }
}
