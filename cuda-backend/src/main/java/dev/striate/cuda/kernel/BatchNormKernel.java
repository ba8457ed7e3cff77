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
import java.util.List;

/**
 * Batch normalization as the reference: training normalizes with the batch statistics on cuDNN, which also moves the
 * running statistics by {@code momentum} (variance unbiased) and saves the batch mean and 1/std for backward;
 * num_batches_tracked is counted by {@code batchnorm.cu}. Evaluation, and a frozen batch norm in training, normalize
 * with the running statistics on cuDNN; that backward, which cuDNN lacks, is {@code batch_norm_running_backward}. Without affine parameters cuDNN is given
 * γ = 1, β = 0 and scratch for their gradients.
 */
public final class BatchNormKernel implements Kernel<BatchNorm> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;
    /** A null device pointer as a launch argument (8 bytes of zero). */
    private static final Long NULL_POINTER = 0L;

    private final CudaContext context;
    private final Launcher launcher;

    public BatchNormKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
    }

    /** Which statistics forward normalized with; backward differentiates through the batch's only. */
    private enum Normalized { BY_BATCH, BY_RUNNING_STATISTICS }

    /**
     * The node's cuDNN calls and its per-channel device tensors, kept from compile time until the executor closes:
     * the saved batch statistics, γ = 1 and β = 0 (used without affine), and scratch for unwanted γ/β gradients.
     */
    private final class Plan implements AutoCloseable {
        final CudnnBatchNorm batchNorm;
        final Tensor savedMean;
        final Tensor savedInverseStd;
        final Tensor ones;
        final Tensor zeros;
        final Tensor scratchScaleGrad;
        final Tensor scratchBiasGrad;

        Plan(Shape input) {
            Shape channels = Shape.of(input.dim(1));
            batchNorm = new CudnnBatchNorm(context, input);
            savedMean = context.temporary(channels, DType.F32);
            savedInverseStd = context.temporary(channels, DType.F32);
            ones = context.temporary(channels, DType.F32);
            zeros = context.temporary(channels, DType.F32);
            scratchScaleGrad = context.temporary(channels, DType.F32);
            scratchBiasGrad = context.temporary(channels, DType.F32);
            launcher.fill(ones, 1f);
            launcher.fill(zeros, 0f);
        }

        Statistics saved() {
            return new Statistics(context.address(savedMean), context.address(savedInverseStd));
        }

        @Override
        public void close() {
            for (Tensor t : List.of(savedMean, savedInverseStd, ones, zeros, scratchScaleGrad, scratchBiasGrad)) {
                context.release(t);
            }
            batchNorm.close();
        }
    }

    @Override
    public Object prepare(BatchNorm op, NodeSignature signature) {
        return new Plan(signature.inputShape());
    }

    @Override
    public Object forward(BatchNorm op, ForwardCall call) {
        Plan plan = (Plan) call.prepared();
        List<Tensor> params = call.params();
        long x = context.address(call.input());
        long y = context.address(call.output());
        long scale = context.address(op.affine() ? params.get(WEIGHT) : plan.ones);
        long bias = context.address(op.affine() ? params.get(BIAS) : plan.zeros);
        Statistics running = running(op, params);
        if (!op.usesBatchStatistics(call.context().training())) {
            plan.batchNorm.forwardInference(x, y, scale, bias, running, op.eps());
            return Normalized.BY_RUNNING_STATISTICS;
        }
        Shape shape = call.input().shape();
        ChannelLayout layout = ChannelLayout.of(shape);
        if ((long) layout.batch() * layout.positions() < 2) {
            throw new UserException("batch_norm in training needs more than one value per channel, got input "
                    + shape + ": use a batch size of 2 or more");
        }
        plan.batchNorm.forwardTraining(x, y, scale, bias, op.momentum(), running, op.eps(), plan.saved());
        launcher.withBlocks("batchnorm", "increment_i64", 1,
                params.get(op.bufferIndex(BatchNorm.BATCHES_TRACKED)));
        return Normalized.BY_BATCH;
    }

    @Override
    public void backward(BatchNorm op, BackwardCall call) {
        Plan plan = (Plan) call.prepared();
        Tensor scaleGrad = op.affine() ? call.paramGrads().get(WEIGHT) : null;
        Tensor biasGrad = op.affine() ? call.paramGrads().get(BIAS) : null;
        if (call.inputGrad() == null && scaleGrad == null && biasGrad == null) {
            return;
        }
        if (call.saved() == Normalized.BY_RUNNING_STATISTICS) {
            runningBackward(op, call, scaleGrad, biasGrad);
            return;
        }
        // cuDNN writes all three gradients: the unwanted ones go to scratch, zeroed because beta is 1 for γ and β.
        if (scaleGrad == null) {
            launcher.fill(plan.scratchScaleGrad, 0f);
        }
        if (biasGrad == null) {
            launcher.fill(plan.scratchBiasGrad, 0f);
        }
        Tensor inputGrad = call.inputGrad() != null ? call.inputGrad()
                : context.temporary(call.input().shape(), DType.F32);
        long scale = context.address(op.affine() ? call.params().get(WEIGHT) : plan.ones);
        plan.batchNorm.backward(context.address(call.input()), context.address(call.outputGrad()),
                context.address(inputGrad), call.inputGrad() != null, scale,
                context.address(scaleGrad != null ? scaleGrad : plan.scratchScaleGrad),
                context.address(biasGrad != null ? biasGrad : plan.scratchBiasGrad), op.eps(), plan.saved());
        if (call.inputGrad() == null) {
            context.release(inputGrad);
        }
    }

    /** Through constant running statistics: dx += γ/√(var + eps)·dy, dγ += Σ dy·x̂, dβ += Σ dy. */
    private void runningBackward(BatchNorm op, BackwardCall call, Tensor scaleGrad, Tensor biasGrad) {
        ChannelLayout layout = ChannelLayout.of(call.input().shape());
        List<Tensor> params = call.params();
        launcher.withBlocks("batchnorm", "batch_norm_running_backward", layout.channels(), call.input(),
                call.outputGrad(), orNull(call.inputGrad()), op.affine() ? params.get(WEIGHT) : NULL_POINTER,
                params.get(op.bufferIndex(BatchNorm.RUNNING_MEAN)), params.get(op.bufferIndex(BatchNorm.RUNNING_VAR)),
                orNull(scaleGrad), orNull(biasGrad), layout.batch(), layout.channels(), layout.positions(),
                (float) op.eps());
    }

    private static Object orNull(Tensor tensor) {
        return tensor != null ? tensor : NULL_POINTER;
    }

    private Statistics running(BatchNorm op, List<Tensor> params) {
        return new Statistics(context.address(params.get(op.bufferIndex(BatchNorm.RUNNING_MEAN))),
                context.address(params.get(op.bufferIndex(BatchNorm.RUNNING_VAR))));
    }
}
