package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.cuda.CudaContext;

/**
 * A batch norm and its ReLU (or ReLU6) in the batch norm's passes ({@link BatchNormPasses}): the normalize pass clamps
 * to [0, ceiling] before its one store, and backward reads the clamp's derivative off y (1 where 0 < y < ceiling) in
 * the gradient-sums and dx passes, so no ReLU pass reads or writes the activation. On {@link NvrtcBatchNorm} in every
 * precision and layout: cuDNN's legacy batch norm cannot fuse a ReLU.
 */
public final class BatchNormReluKernel implements Kernel<BatchNormRelu> {
    private final BatchNormPasses passes;

    public BatchNormReluKernel(CudaContext context) {
        this.passes = new BatchNormPasses(context);
    }

    @Override
    public Object prepare(BatchNormRelu op, NodeSignature signature) {
        return passes.plan(signature.inputShape(), false);
    }

    @Override
    public Object forward(BatchNormRelu op, ForwardCall call) {
        return passes.forward(op.norm(), call, new NvrtcBatchNorm.Epilogue(null, op.ceiling()));
    }

    @Override
    public void backward(BatchNormRelu op, BackwardCall call) {
        passes.backward(op.norm(), call, new NvrtcBatchNorm.EpilogueGradient(call.output(), op.ceiling(), null,
                false));
    }

    /** dx is written whole when fresh: the NVRTC dx passes with accumulate 0. */
    @Override
    public boolean writesFreshInputGradient(BatchNormRelu op, int position) {
        return true;
    }
}
