package dev.striate.cuda.kernel;

import dev.striate.core.tensor.ChannelLayout;
import dev.striate.core.tensor.Tensor;

/**
 * Batch normalization on the project's own kernels ({@code batchnorm.cu}): the backward through running statistics in
 * every precision, and everything for bf16 activations: cuDNN's legacy
 * batch norm documents no bf16 configuration, and PyTorch does not send bf16 batch norm to cuDNN either. γ, β, the
 * running and saved statistics and the parameter gradients are float. The same statistics as cuDNN's path: the batch
 * mean and biased variance, running statistics moved by the momentum (variance unbiased), the mean and 1/std saved
 * for backward. A null γ, β or gradient is passed as a null pointer (γ = 1, β = 0, gradient not wanted).
 */
final class NvrtcBatchNorm {
    /** A null device pointer as a launch argument (8 bytes of zero). */
    private static final Long NULL_POINTER = 0L;

    private final Launcher launcher;

    NvrtcBatchNorm(Launcher launcher) {
        this.launcher = launcher;
    }

    /** The per-channel float tensors of one call: running or saved mean, and variance or 1/std. */
    record Statistics(Tensor mean, Tensor second) {
    }

    /** Training forward: y from the batch statistics; moves {@code running}; writes {@code saved} (mean, 1/std). */
    void forwardTraining(Tensor x, Tensor y, Tensor gamma, Tensor beta, Statistics running, Statistics saved,
                         double momentum, double eps) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        launcher.withBlocks("batchnorm", "batch_norm_training_forward", layout.channels(), x, y, orNull(gamma),
                orNull(beta), running.mean(), running.second(), saved.mean(), saved.second(), layout.batch(),
                layout.channels(), layout.positions(), (float) momentum, (float) eps);
    }

    /** Forward with the running statistics (evaluation, or a frozen batch norm). */
    void forwardInference(Tensor x, Tensor y, Tensor gamma, Tensor beta, Statistics running, double eps) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        launcher.overElements("batchnorm", "batch_norm_inference_forward", x.size(), x, y, orNull(gamma),
                orNull(beta), running.mean(), running.second(), layout.batch(), layout.channels(),
                layout.positions(), (float) eps);
    }

    /** Backward through the batch statistics {@code saved} by {@link #forwardTraining}: dx, dγ, dβ added into. */
    void backward(Tensor x, Tensor dy, Tensor dx, Tensor gamma, Statistics saved, Tensor gammaGrad, Tensor betaGrad) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        launcher.withBlocks("batchnorm", "batch_norm_training_backward", layout.channels(), x, dy, orNull(dx),
                orNull(gamma), saved.mean(), saved.second(), orNull(gammaGrad), orNull(betaGrad), layout.batch(),
                layout.channels(), layout.positions());
    }

    /**
     * Backward through constant running statistics (evaluation or a frozen batch norm), in either precision: cuDNN
     * has no such backward. dx += γ/√(var + eps)·dy, dγ += Σ dy·x̂, dβ += Σ dy.
     */
    void backwardThroughRunning(Tensor x, Tensor dy, Tensor dx, Tensor gamma, Statistics running, Tensor gammaGrad,
                                Tensor betaGrad, double eps) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        launcher.withBlocks("batchnorm", "batch_norm_running_backward", layout.channels(), x, dy, orNull(dx),
                orNull(gamma), running.mean(), running.second(), orNull(gammaGrad), orNull(betaGrad),
                layout.batch(), layout.channels(), layout.positions(), (float) eps);
    }

    private static Object orNull(Tensor tensor) {
        return tensor != null ? tensor : NULL_POINTER;
    }
}
