package dev.striate.cuda.kernel;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.CudnnBatchNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch norm node's per-channel device tensors, kept from compile time until the executor closes: the saved batch
 * statistics and, for a node on cuDNN ({@code batchNorm} null otherwise), its calls, γ = 1 and β = 0 (used without
 * affine) and scratch for unwanted γ/β gradients.
 */
final class BatchNormPlan implements AutoCloseable {
    final CudnnBatchNorm batchNorm;
    final Tensor savedMean;
    final Tensor savedInverseStd;
    final Tensor ones;
    final Tensor zeros;
    final Tensor scratchScaleGrad;
    final Tensor scratchBiasGrad;
    private final CudaContext context;
    private final List<Tensor> owned = new ArrayList<>();

    BatchNormPlan(CudaContext context, Launcher launcher, Shape input, boolean cudnn) {
        this.context = context;
        Shape channels = Shape.of(input.dim(1));
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

    CudnnBatchNorm.Statistics saved() {
        return new CudnnBatchNorm.Statistics(context.address(savedMean), context.address(savedInverseStd));
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
