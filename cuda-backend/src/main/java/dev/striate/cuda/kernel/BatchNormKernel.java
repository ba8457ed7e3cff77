package dev.striate.cuda.kernel;

import dev.striate.core.UserException;
import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.tensor.ChannelLayout;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnBatchNorm.Statistics;
import dev.striate.cuda.cudnn.CudnnBatchNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch normalization as the reference: training normalizes with the batch statistics, moves the running statistics
 * by {@code momentum} (variance unbiased) and saves the batch mean and 1/std for backward; num_batches_tracked is
 * counted by {@code batchnorm.cu}. Evaluation, and a frozen batch norm in training, normalize with the running
 * statistics; that backward, which cuDNN lacks, runs on {@link NvrtcBatchNorm} in every precision.
 *
 * <p>Float activations run on cuDNN; without affine parameters cuDNN is given γ = 1, β = 0 and scratch for their
 * gradients. bf16 activations run on {@link NvrtcBatchNorm} (cuDNN documents no bf16 batch norm), with float γ, β,
 * statistics and parameter gradients.
 */
public final class BatchNormKernel implements Kernel<BatchNorm> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;

    private final CudaContext context;
    private final Launcher launcher;
    private final NvrtcBatchNorm nvrtc;

    public BatchNormKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
        this.nvrtc = new NvrtcBatchNorm(context, launcher);
    }

    /** Which statistics forward normalized with; backward differentiates through the batch's only. */
    private enum Normalized { BY_BATCH, BY_RUNNING_STATISTICS }

    /**
     * The node's per-channel device tensors, kept from compile time until the executor closes: the saved batch
     * statistics and, for cuDNN (float activations; {@code batchNorm} null in bf16), its calls, γ = 1 and β = 0 (used
     * without affine) and scratch for unwanted γ/β gradients.
     */
    private final class Plan implements AutoCloseable {
        final CudnnBatchNorm batchNorm;
        final Tensor savedMean;
        final Tensor savedInverseStd;
        final Tensor ones;
        final Tensor zeros;
        final Tensor scratchScaleGrad;
        final Tensor scratchBiasGrad;
        private final List<Tensor> owned = new ArrayList<>();

        Plan(Shape input, DType storage) {
            Shape channels = Shape.of(input.dim(1));
            boolean cudnn = storage != DType.BF16;
            batchNorm = cudnn ? new CudnnBatchNorm(context, input) : null;
            savedMean = owned(channels);
            savedInverseStd = owned(channels);
            ones = cudnn ? owned(channels) : null;
            zeros = cudnn ? owned(channels) : null;
            scratchScaleGrad = cudnn ? owned(channels) : null;
            scratchBiasGrad = cudnn ? owned(channels) : null;
            if (cudnn) {
                launcher.fill(ones, 1f);
                launcher.fill(zeros, 0f);
            }
        }

        private Tensor owned(Shape channels) {
            Tensor tensor = context.temporary(channels, DType.F32);
            owned.add(tensor);
            return tensor;
        }

        boolean onCudnn() {
            return batchNorm != null;
        }

        Statistics saved() {
            return new Statistics(context.address(savedMean), context.address(savedInverseStd));
        }

        NvrtcBatchNorm.Statistics savedTensors() {
            return new NvrtcBatchNorm.Statistics(savedMean, savedInverseStd);
        }

        @Override
        public void close() {
            owned.forEach(context::release);
            if (batchNorm != null) {
                batchNorm.close();
            }
        }
    }

    @Override
    public Object prepare(BatchNorm op, NodeSignature signature) {
        return new Plan(signature.inputShape(), signature.outputType());
    }

    @Override
    public Object forward(BatchNorm op, ForwardCall call) {
        Plan plan = (Plan) call.prepared();
        List<Tensor> params = call.params();
        Tensor gamma = op.affine() ? params.get(WEIGHT) : null;
        Tensor beta = op.affine() ? params.get(BIAS) : null;
        if (!op.usesBatchStatistics(call.context().training())) {
            if (plan.onCudnn()) {
                plan.batchNorm.forwardInference(context.address(call.input()), context.address(call.output()),
                        scale(plan, gamma), shift(plan, beta), running(op, params), op.eps());
            } else {
                nvrtc.forwardInference(call.input(), call.output(), gamma, beta, runningTensors(op, params),
                        op.eps());
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
                    plan.savedTensors(), op.momentum(), op.eps());
        }
        launcher.withBlocks("batchnorm", "increment_i64", 1,
                params.get(op.bufferIndex(BatchNorm.BATCHES_TRACKED)));
        return Normalized.BY_BATCH;
    }

    @Override
    public void backward(BatchNorm op, BackwardCall call) {
        Plan plan = (Plan) call.prepared();
        Tensor gamma = op.affine() ? call.params().get(WEIGHT) : null;
        Tensor scaleGrad = op.affine() ? call.paramGrads().get(WEIGHT) : null;
        Tensor biasGrad = op.affine() ? call.paramGrads().get(BIAS) : null;
        if (call.inputGrad() == null && scaleGrad == null && biasGrad == null) {
            return;
        }
        if (call.saved() == Normalized.BY_RUNNING_STATISTICS) {
            nvrtc.backwardThroughRunning(call.input(), call.outputGrad(), call.inputGrad(), !call.fresh(0), gamma,
                    runningTensors(op, call.params()), scaleGrad, biasGrad, op.eps());
        } else if (plan.onCudnn()) {
            cudnnBackward(op, call, plan, gamma, scaleGrad, biasGrad);
        } else {
            nvrtc.backward(call.input(), call.outputGrad(), call.inputGrad(), !call.fresh(0), gamma,
                    plan.savedTensors(), scaleGrad, biasGrad);
        }
    }

    /** cuDNN writes all three gradients: the unwanted ones go to scratch, zeroed because beta is 1 for γ and β. */
    private void cudnnBackward(BatchNorm op, BackwardCall call, Plan plan, Tensor gamma, Tensor scaleGrad,
                               Tensor biasGrad) {
        if (scaleGrad == null) {
            launcher.fill(plan.scratchScaleGrad, 0f);
        }
        if (biasGrad == null) {
            launcher.fill(plan.scratchBiasGrad, 0f);
        }
        Tensor inputGrad = call.inputGrad() != null ? call.inputGrad()
                : context.temporary(call.input().shape(), DType.F32);
        plan.batchNorm.backward(context.address(call.input()), context.address(call.outputGrad()),
                context.address(inputGrad), call.inputGrad() != null && !call.fresh(0), scale(plan, gamma),
                context.address(scaleGrad != null ? scaleGrad : plan.scratchScaleGrad),
                context.address(biasGrad != null ? biasGrad : plan.scratchBiasGrad), op.eps(), plan.saved());
        if (call.inputGrad() == null) {
            context.release(inputGrad);
        }
    }

    /** dx is written whole when fresh: cuDNN's training backward with beta 0, the NVRTC kernels with accumulate 0. */
    @Override
    public boolean writesFreshInputGradient(BatchNorm op, int position) {
        return true;
    }

    private long scale(Plan plan, Tensor gamma) {
        return context.address(gamma != null ? gamma : plan.ones);
    }

    private long shift(Plan plan, Tensor beta) {
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
