package dev.striate.cuda.kernel;

import dev.striate.core.tensor.ChannelLayout;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;

/**
 * Batch normalization on the project's own kernels ({@code batchnorm.cu}): the backward through running statistics in
 * every precision, and everything for bf16 activations: cuDNN's legacy
 * batch norm documents no bf16 configuration, and PyTorch does not send bf16 batch norm to cuDNN either. γ, β, the
 * running and saved statistics and the parameter gradients are float. The same statistics as cuDNN's path: the batch
 * mean and biased variance, running statistics moved by the momentum (variance unbiased), the mean and 1/std saved
 * for backward. A null γ, β or gradient is passed as a null pointer (γ = 1, β = 0, gradient not wanted).
 *
 * <p>Per-channel sums run in two stages over {@link ChannelChunks} (many blocks per channel, or channels-last one per
 * chunk of rows for all channels, then one per channel, partials in a temporary float buffer released after the call);
 * normalizing and dx take one thread per element.
 */
final class NvrtcBatchNorm {
    /** A null device pointer as a launch argument (8 bytes of zero). */
    private static final Long NULL_POINTER = 0L;

    private final CudaContext context;
    private final Launcher launcher;

    NvrtcBatchNorm(CudaContext context, Launcher launcher) {
        this.context = context;
        this.launcher = launcher;
    }

    /** The per-channel float tensors of one call: running or saved mean, and variance or 1/std. */
    record Statistics(Tensor mean, Tensor second) {
    }

    /** Training forward: y from the batch statistics; moves {@code running}; writes {@code saved} (mean, 1/std). */
    void forwardTraining(Tensor x, Tensor y, Tensor gamma, Tensor beta, Statistics running, Statistics saved,
                         double momentum, double eps) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        ChannelChunks grid = chunks(x, layout);
        Tensor partials = partials(grid);
        launcher.withBlocks("batchnorm", "batch_norm_statistics_partials", grid.blocks(), x, partials,
                layout.batch(), layout.channels(), layout.positions(), grid.chunkLength());
        launcher.withBlocks("batchnorm", "batch_norm_statistics_finalize", layout.channels(), partials,
                running.mean(), running.second(), saved.mean(), saved.second(), layout.batch(), layout.channels(),
                layout.positions(), grid.chunkLength(), (float) momentum, (float) eps);
        context.release(partials);
        launcher.overElements("batchnorm", "batch_norm_normalize", x.size(), x, y, orNull(gamma), orNull(beta),
                saved.mean(), saved.second(), layout.batch(), layout.channels(), layout.positions());
    }

    /** Forward with the running statistics (evaluation, or a frozen batch norm). */
    void forwardInference(Tensor x, Tensor y, Tensor gamma, Tensor beta, Statistics running, double eps) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        launcher.overElements("batchnorm", "batch_norm_inference_forward", x.size(), x, y, orNull(gamma),
                orNull(beta), running.mean(), running.second(), layout.batch(), layout.channels(),
                layout.positions(), (float) eps);
    }

    /**
     * Backward through the batch statistics {@code saved} by {@link #forwardTraining}: dx, dγ, dβ added into (dx
     * written instead when not {@code accumulateInput}: a fresh gradient).
     */
    void backward(Tensor x, Tensor dy, Tensor dx, boolean accumulateInput, Tensor gamma, Statistics saved,
                  Tensor gammaGrad, Tensor betaGrad) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        ChannelChunks grid = chunks(x, layout);
        Tensor partials = partials(grid);
        launcher.withBlocks("batchnorm", "batch_norm_gradient_partials", grid.blocks(), x, dy, saved.mean(),
                saved.second(), partials, layout.batch(), layout.channels(), layout.positions(), grid.chunkLength());
        Tensor sums = dx != null ? context.temporary(Shape.of(2, layout.channels()), DType.F32) : null;
        launcher.withBlocks("batchnorm", "batch_norm_gradient_finalize", layout.channels(), partials,
                orNull(gammaGrad), orNull(betaGrad), orNull(sums), layout.batch(), layout.channels(),
                layout.positions(), grid.chunkLength());
        context.release(partials);
        if (dx != null) {
            launcher.overElements("batchnorm", "batch_norm_training_input_gradient", x.size(), x, dy, dx,
                    orNull(gamma), saved.mean(), saved.second(), sums, layout.batch(), layout.channels(),
                    layout.positions(), accumulateInput ? 1 : 0);
            context.release(sums);
        }
    }

    /**
     * Backward through constant running statistics (evaluation or a frozen batch norm), in either precision: cuDNN
     * has no such backward. dx += γ/√(var + eps)·dy (= when not {@code accumulateInput}), dγ += Σ dy·x̂, dβ += Σ dy.
     */
    void backwardThroughRunning(Tensor x, Tensor dy, Tensor dx, boolean accumulateInput, Tensor gamma,
                                Statistics running, Tensor gammaGrad, Tensor betaGrad, double eps) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        if (dx != null) {
            launcher.overElements("batchnorm", "batch_norm_running_input_gradient", x.size(), dy, dx, orNull(gamma),
                    running.second(), layout.batch(), layout.channels(), layout.positions(), (float) eps,
                    accumulateInput ? 1 : 0);
        }
        if (gammaGrad == null && betaGrad == null) {
            return;
        }
        ChannelChunks grid = chunks(x, layout);
        Tensor partials = partials(grid);
        launcher.withBlocks("batchnorm", "batch_norm_running_gradient_partials", grid.blocks(), x, dy,
                running.mean(), running.second(), (float) eps, partials, layout.batch(), layout.channels(),
                layout.positions(), grid.chunkLength());
        launcher.withBlocks("batchnorm", "batch_norm_gradient_finalize", layout.channels(), partials,
                orNull(gammaGrad), orNull(betaGrad), NULL_POINTER, layout.batch(), layout.channels(),
                layout.positions(), grid.chunkLength());
        context.release(partials);
    }

    /** The two-stage sums' grid for the kernel variant that reads {@code x}. */
    private ChannelChunks chunks(Tensor x, ChannelLayout layout) {
        return ChannelChunks.of(launcher.variantLayout(x), layout.channels(),
                (long) layout.batch() * layout.positions());
    }

    /** Two float partials per (channel, chunk), as the first stage writes them: [2, C·K]. */
    private Tensor partials(ChannelChunks grid) {
        return context.temporary(Shape.of(2, grid.partials()), DType.F32);
    }

    private static Object orNull(Tensor tensor) {
        return tensor != null ? tensor : NULL_POINTER;
    }
}
