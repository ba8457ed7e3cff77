package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.cuda.CudaContext;

/**
 * The end of a residual block, y = max(bn(x) + residual, 0), in the batch norm's passes ({@link BatchNormPasses}):
 * the normalize pass adds the residual and clamps before its one store, and backward reads the ReLU's derivative off y
 * (1 where y > 0) and writes the residual's gradient (dy where y > 0) in the pass that writes dx, so neither the add
 * nor the ReLU has a pass of its own. On {@link NvrtcBatchNorm} in every precision and layout: cuDNN's legacy batch
 * norm cannot fuse a ReLU.
 */
public final class BatchNormAddReluKernel implements Kernel<BatchNormAddRelu> {
    private static final int RESIDUAL = 1;

    private final BatchNormPasses passes;

    public BatchNormAddReluKernel(CudaContext context) {
        this.passes = new BatchNormPasses(context);
    }

    @Override
    public Object prepare(BatchNormAddRelu op, NodeSignature signature) {
        return passes.plan(signature.inputShape(), false);
    }

    @Override
    public Object forward(BatchNormAddRelu op, ForwardCall call) {
        return passes.forward(op.norm(), call, new NvrtcBatchNorm.Epilogue(call.inputs().get(RESIDUAL),
                Double.POSITIVE_INFINITY));
    }

    @Override
    public void backward(BatchNormAddRelu op, BackwardCall call) {
        passes.backward(op.norm(), call, new NvrtcBatchNorm.EpilogueGradient(call.output(), Double.POSITIVE_INFINITY,
                call.inputGrads().get(RESIDUAL), !call.fresh(RESIDUAL)));
    }

    /** x's and the residual's gradients are written whole when fresh: the NVRTC dx pass with accumulate 0. */
    @Override
    public boolean writesFreshInputGradient(BatchNormAddRelu op, int position) {
        return true;
    }
}
