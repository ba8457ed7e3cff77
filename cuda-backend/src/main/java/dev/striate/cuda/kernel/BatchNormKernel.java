package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.tensor.DType;
import dev.striate.cuda.CudaContext;

/**
 * Batch normalization as the reference ({@link BatchNormPasses}: training with the batch statistics, evaluation and
 * frozen with the running ones).
 *
 * <p>Float activations run on cuDNN; without affine parameters cuDNN is given γ = 1, β = 0 and scratch for their
 * gradients. bf16 activations run on {@link NvrtcBatchNorm} (cuDNN documents no bf16 batch norm), with float γ, β,
 * statistics and parameter gradients; so does the backward through running statistics, which cuDNN lacks.
 */
public final class BatchNormKernel implements Kernel<BatchNorm> {
    private final BatchNormPasses passes;

    public BatchNormKernel(CudaContext context) {
        this.passes = new BatchNormPasses(context);
    }

    @Override
    public Object prepare(BatchNorm op, NodeSignature signature) {
        return passes.plan(signature.inputShape(), signature.outputType() != DType.BF16);
    }

    @Override
    public Object forward(BatchNorm op, ForwardCall call) {
        return passes.forward(op, call, null);
    }

    @Override
    public void backward(BatchNorm op, BackwardCall call) {
        passes.backward(op, call, null);
    }

    /** dx is written whole when fresh: cuDNN's training backward with beta 0, the NVRTC kernels with accumulate 0. */
    @Override
    public boolean writesFreshInputGradient(BatchNorm op, int position) {
        return true;
    }
}
