package dev.striate.cuda.kernel;

import dev.striate.core.UserException;
import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.tensor.ChannelLayout;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnBatchNorm.Statistics;
import java.util.List;

/**
 * Batch normalization's forward and backward for every kernel that normalizes: the plain {@link BatchNormKernel} (on
 * cuDNN for float activations, where its {@link BatchNormPlan} holds cuDNN's calls) and the fused
 * {@link BatchNormReluKernel} and {@link BatchNormAddReluKernel} (always on {@link NvrtcBatchNorm}, with an epilogue).
 * Training normalizes with the batch statistics, moves the running statistics by {@code momentum} (variance unbiased),
 * saves the batch mean and 1/std for backward and counts num_batches_tracked; evaluation, and a frozen batch norm in
 * training, normalize with the running statistics, whose backward (which cuDNN lacks) runs on {@link NvrtcBatchNorm}.
 */
final class BatchNormPasses {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;

    private final CudaContext context;
    private final Launcher launcher;
    private final NvrtcBatchNorm nvrtc;

    BatchNormPasses(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
        this.nvrtc = new NvrtcBatchNorm(context, launcher);
    }

    /** Which statistics forward normalized with; backward differentiates through the batch's only. */
    enum Normalized { BY_BATCH, BY_RUNNING_STATISTICS }

    /** The node's plan for an input of shape {@code input}, on cuDNN or on the project's own kernels. */
    BatchNormPlan plan(Shape input, boolean onCudnn) {
        return new BatchNormPlan(context, launcher, input, onCudnn);
    }

    /** Writes y: the batch norm, then {@code epilogue} (null for a plain batch norm, which alone may be on cuDNN). */
    Normalized forward(BatchNorm op, ForwardCall call, NvrtcBatchNorm.Epilogue epilogue) {
        BatchNormPlan plan = (BatchNormPlan) call.prepared();
        List<Tensor> params = call.params();
        Tensor gamma = op.affine() ? params.get(WEIGHT) : null;
        Tensor beta = op.affine() ? params.get(BIAS) : null;
        if (!op.usesBatchStatistics(call.context().training())) {
            if (plan.onCudnn()) {
                plan.batchNorm.forwardInference(context.address(call.input()), context.address(call.output()),
                        scale(plan, gamma), shift(plan, beta), running(op, params), op.eps());
            } else {
                nvrtc.forwardInference(call.input(), call.output(), gamma, beta, runningTensors(op, params),
                        op.eps(), epilogue);
            }
            return Normalized.BY_RUNNING_STATISTICS;
        }
        Shape shape = call.input().shape();
        ChannelLayout layout = ChannelLayout.of(shape);
        if ((long) layout.batch() * layout.positions() < 2) {
            throw new UserException("batch_norm in training needs more than one value per channel, got input "
                    + shape + ": use a batch size of 2 or more");
        }
        if (plan.onCudnn()) {
            plan.batchNorm.forwardTraining(context.address(call.input()), context.address(call.output()),
                    scale(plan, gamma), shift(plan, beta), op.momentum(), running(op, params), op.eps(),
                    plan.saved());
        } else {
            nvrtc.forwardTraining(call.input(), call.output(), gamma, beta, runningTensors(op, params),
                    plan.savedTensors(), op.momentum(), op.eps(), epilogue);
        }
        launcher.withBlocks("batchnorm", "increment_i64", 1,
                params.get(op.bufferIndex(BatchNorm.BATCHES_TRACKED)));
        return Normalized.BY_BATCH;
    }

    /**
     * Adds (or, fresh, writes) dx, dγ and dβ, through {@code epilogue} (null for a plain batch norm), whose residual
     * gradient is written in the dx pass.
     */
    void backward(BatchNorm op, BackwardCall call, NvrtcBatchNorm.EpilogueGradient epilogue) {
        BatchNormPlan plan = (BatchNormPlan) call.prepared();
        Tensor gamma = op.affine() ? call.params().get(WEIGHT) : null;
        Tensor scaleGrad = op.affine() ? call.paramGrads().get(WEIGHT) : null;
        Tensor biasGrad = op.affine() ? call.paramGrads().get(BIAS) : null;
        boolean residualWanted = epilogue != null && epilogue.residualGrad() != null;
        if (call.inputGrad() == null && scaleGrad == null && biasGrad == null && !residualWanted) {
            return;
        }
        if (call.saved() == Normalized.BY_RUNNING_STATISTICS) {
            nvrtc.backwardThroughRunning(call.input(), call.outputGrad(), call.inputGrad(), !call.fresh(0), gamma,
                    runningTensors(op, call.params()), scaleGrad, biasGrad, op.eps(), epilogue);
        } else if (plan.onCudnn()) {
            cudnnBackward(op, call, plan, gamma, scaleGrad, biasGrad);
        } else {
            nvrtc.backward(call.input(), call.outputGrad(), call.inputGrad(), !call.fresh(0), gamma,
                    plan.savedTensors(), scaleGrad, biasGrad, epilogue);
        }
    }

    /** cuDNN writes all three gradients: the unwanted ones go to scratch, zeroed because beta is 1 for γ and β. */
    private void cudnnBackward(BatchNorm op, BackwardCall call, BatchNormPlan plan, Tensor gamma, Tensor scaleGrad,
                               Tensor biasGrad) {
        if (scaleGrad == null) {
            launcher.fill(plan.scratchScaleGrad, 0f);
        }
        if (biasGrad == null) {
            launcher.fill(plan.scratchBiasGrad, 0f);
        }
        Tensor inputGrad = call.inputGrad() != null ? call.inputGrad()
                : context.scratch(call.input().shape(), DType.F32);
        plan.batchNorm.backward(context.address(call.input()), context.address(call.outputGrad()),
                context.address(inputGrad), call.inputGrad() != null && !call.fresh(0), scale(plan, gamma),
                context.address(scaleGrad != null ? scaleGrad : plan.scratchScaleGrad),
                context.address(biasGrad != null ? biasGrad : plan.scratchBiasGrad), op.eps(), plan.saved());
        if (call.inputGrad() == null) {
            context.release(inputGrad);
        }
    }

    private long scale(BatchNormPlan plan, Tensor gamma) {
        return context.address(gamma != null ? gamma : plan.ones);
    }

    private long shift(BatchNormPlan plan, Tensor beta) {
        return context.address(beta != null ? beta : plan.zeros);
    }

    private Statistics running(BatchNorm op, List<Tensor> params) {
        return new Statistics(context.address(params.get(op.bufferIndex(BatchNorm.RUNNING_MEAN))),
                context.address(params.get(op.bufferIndex(BatchNorm.RUNNING_VAR))));
    }

    private static NvrtcBatchNorm.Statistics runningTensors(BatchNorm op, List<Tensor> params) {
        return new NvrtcBatchNorm.Statistics(params.get(op.bufferIndex(BatchNorm.RUNNING_MEAN)),
                params.get(op.bufferIndex(BatchNorm.RUNNING_VAR)));
    }
}
