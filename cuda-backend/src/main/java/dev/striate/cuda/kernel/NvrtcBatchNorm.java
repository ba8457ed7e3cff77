package dev.striate.cuda.kernel;

import dev.striate.core.tensor.ChannelLayout;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch normalization on the project's own kernels ({@code batchnorm.cu}): the backward through running statistics in
 * every precision, everything for bf16 activations (cuDNN's legacy batch norm documents no bf16 configuration, and
 * PyTorch does not send bf16 batch norm to cuDNN either), and the fused batch norm + ReLU and batch norm + add + ReLU
 * in every precision (cuDNN's legacy batch norm cannot fuse a ReLU). γ, β, the running and saved statistics and the
 * parameter gradients are float. The same statistics as cuDNN's path: the batch mean and biased variance, running
 * statistics moved by the momentum (variance unbiased), the mean and 1/std saved for backward. A null γ, β or gradient
 * is passed as a null pointer (γ = 1, β = 0, gradient not wanted).
 *
 * <p>Per-channel sums run in two stages over {@link ChannelChunks} (many blocks per channel, or channels-last one per
 * chunk of rows for all channels, then one per channel, partials in a temporary float buffer released after the call);
 * normalizing and dx take one thread per element. A fused op's {@link Epilogue} (forward) or {@link EpilogueGradient}
 * (backward) picks the {@code _relu} variants of the elementwise and gradient-partials passes; null is a plain batch
 * norm.
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

    /**
     * A fused op's forward after normalizing: + {@code residual} (null: none), then clamped to [0, ceiling]
     * (infinite for ReLU), before the one store.
     */
    record Epilogue(Tensor residual, double ceiling) {
    }

    /**
     * A fused op's backward: the gradient through the clamp, dy·[0 < y < ceiling] read off the fused {@code output}
     * y, replaces dy; {@code residualGrad} (null: not wanted) gets it too, added into unless written whole (fresh,
     * {@code accumulateResidual} false).
     */
    record EpilogueGradient(Tensor output, double ceiling, Tensor residualGrad, boolean accumulateResidual) {
    }

    /**
     * Training forward: y from the batch statistics (then {@code epilogue}, null for none); moves {@code running};
     * writes {@code saved} (mean, 1/std).
     */
    void forwardTraining(Tensor x, Tensor y, Tensor gamma, Tensor beta, Statistics running, Statistics saved,
                         double momentum, double eps, Epilogue epilogue) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        ChannelChunks grid = chunks(x, layout);
        Tensor partials = partials(grid);
        launcher.withBlocks("batchnorm", "batch_norm_statistics_partials", grid.blocks(), x, partials,
                layout.batch(), layout.channels(), layout.positions(), grid.chunkLength());
        launcher.withBlocks("batchnorm", "batch_norm_statistics_finalize", layout.channels(), partials,
                running.mean(), running.second(), saved.mean(), saved.second(), layout.batch(), layout.channels(),
                layout.positions(), grid.chunkLength(), (float) momentum, (float) eps);
        context.release(partials);
        normalize("batch_norm_normalize", x, y, epilogue, orNull(gamma), orNull(beta), saved.mean(), saved.second(),
                layout.batch(), layout.channels(), layout.positions());
    }

    /** Forward with the running statistics (evaluation, or a frozen batch norm), then {@code epilogue} (or none). */
    void forwardInference(Tensor x, Tensor y, Tensor gamma, Tensor beta, Statistics running, double eps,
                          Epilogue epilogue) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        normalize("batch_norm_inference_forward", x, y, epilogue, orNull(gamma), orNull(beta), running.mean(),
                running.second(), layout.batch(), layout.channels(), layout.positions(), (float) eps);
    }

    /**
     * Backward through the batch statistics {@code saved} by {@link #forwardTraining}: dx, dγ, dβ added into (dx
     * written instead when not {@code accumulateInput}: a fresh gradient), through {@code epilogue} (null for none).
     */
    void backward(Tensor x, Tensor dy, Tensor dx, boolean accumulateInput, Tensor gamma, Statistics saved,
                  Tensor gammaGrad, Tensor betaGrad, EpilogueGradient epilogue) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        Tensor sums = dx != null ? context.scratch(Shape.of(2, layout.channels()), DType.F32) : null;
        if (dx != null || gammaGrad != null || betaGrad != null) {
            gradientSums("batch_norm_gradient_partials", x, dy, epilogue, gammaGrad, betaGrad, sums, saved.mean(),
                    saved.second());
        }
        inputGradient("batch_norm_training_input_gradient", x, List.of(x, dy), dx, accumulateInput, epilogue,
                orNull(gamma), saved.mean(), saved.second(), orNull(sums), layout.batch(), layout.channels(),
                layout.positions());
        if (sums != null) {
            context.release(sums);
        }
    }

    /**
     * Backward through constant running statistics (evaluation or a frozen batch norm), in either precision: cuDNN
     * has no such backward. dx += γ/√(var + eps)·dy (= when not {@code accumulateInput}), dγ += Σ dy·x̂, dβ += Σ dy;
     * through {@code epilogue} (null for none).
     */
    void backwardThroughRunning(Tensor x, Tensor dy, Tensor dx, boolean accumulateInput, Tensor gamma,
                                Statistics running, Tensor gammaGrad, Tensor betaGrad, double eps,
                                EpilogueGradient epilogue) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        inputGradient("batch_norm_running_input_gradient", x, List.of(dy), dx, accumulateInput, epilogue,
                orNull(gamma), running.second(), layout.batch(), layout.channels(), layout.positions(), (float) eps);
        if (gammaGrad != null || betaGrad != null) {
            gradientSums("batch_norm_running_gradient_partials", x, dy, epilogue, gammaGrad, betaGrad, null,
                    running.mean(), running.second(), (float) eps);
        }
    }

    /**
     * An elementwise forward pass: {@code kernel}(x, y, arguments...), or with an epilogue its {@code _relu}
     * variant (x, residual, y, arguments..., ceiling).
     */
    private void normalize(String kernel, Tensor x, Tensor y, Epilogue epilogue, Object... arguments) {
        List<Object> all = new ArrayList<>(List.of(x));
        if (epilogue != null) {
            all.add(orNull(epilogue.residual()));
        }
        all.add(y);
        all.addAll(List.of(arguments));
        if (epilogue != null) {
            all.add((float) epilogue.ceiling());
        }
        launcher.overElements("batchnorm", epilogue == null ? kernel : fused(kernel), x.size(), all.toArray());
    }

    /**
     * The two-stage per-channel gradient sums: stage one {@code partialsKernel}(x, dy, statistics..., partials, N, C,
     * S, chunkLength) (with an epilogue its {@code _relu} variant, y and ceiling after dy), then the
     * finalize stage into dγ, dβ and {@code sums} (each null when not wanted).
     */
    private void gradientSums(String partialsKernel, Tensor x, Tensor dy, EpilogueGradient epilogue,
                              Tensor gammaGrad, Tensor betaGrad, Tensor sums, Object... statistics) {
        ChannelLayout layout = ChannelLayout.of(x.shape());
        ChannelChunks grid = chunks(x, layout);
        Tensor partials = partials(grid);
        List<Object> arguments = new ArrayList<>(List.of(x, dy));
        if (epilogue != null) {
            arguments.addAll(List.of(epilogue.output(), (float) epilogue.ceiling()));
        }
        arguments.addAll(List.of(statistics));
        arguments.addAll(List.of(partials, layout.batch(), layout.channels(), layout.positions(),
                grid.chunkLength()));
        launcher.withBlocks("batchnorm", epilogue == null ? partialsKernel : fused(partialsKernel), grid.blocks(),
                arguments.toArray());
        launcher.withBlocks("batchnorm", "batch_norm_gradient_finalize", layout.channels(), partials,
                orNull(gammaGrad), orNull(betaGrad), orNull(sums), layout.batch(), layout.channels(),
                layout.positions(), grid.chunkLength());
        context.release(partials);
    }

    /**
     * An input-gradient pass over x's elements: {@code kernel}(reads..., dx, arguments..., accumulate) where dx is
     * wanted; with an epilogue its {@code _relu} variant (reads..., y, ceiling, dx, dresidual,
     * arguments..., accumulate, accumulateResidual) where either gradient is wanted.
     */
    private void inputGradient(String kernel, Tensor x, List<Tensor> reads, Tensor dx, boolean accumulateInput,
                               EpilogueGradient epilogue, Object... arguments) {
        List<Object> all = new ArrayList<>(reads);
        if (epilogue == null) {
            if (dx == null) {
                return;
            }
            all.add(dx);
            all.addAll(List.of(arguments));
            all.add(accumulateInput ? 1 : 0);
            launcher.overElements("batchnorm", kernel, x.size(), all.toArray());
            return;
        }
        if (dx == null && epilogue.residualGrad() == null) {
            return;
        }
        all.addAll(List.of(epilogue.output(), (float) epilogue.ceiling(), orNull(dx),
                orNull(epilogue.residualGrad())));
        all.addAll(List.of(arguments));
        all.addAll(List.of(accumulateInput ? 1 : 0, epilogue.accumulateResidual() ? 1 : 0));
        launcher.overElements("batchnorm", fused(kernel), x.size(), all.toArray());
    }

    /** A plain kernel's variant with the fused ops' epilogue. */
    private static String fused(String kernel) {
        return kernel + "_relu";
    }

    /** The two-stage sums' grid for the kernel variant that reads {@code x}. */
    private ChannelChunks chunks(Tensor x, ChannelLayout layout) {
        return ChannelChunks.of(launcher.variantLayout(x), layout.channels(),
                (long) layout.batch() * layout.positions());
    }

    /** Two float partials per (channel, chunk), as the first stage writes them: [2, C·K]. */
    private Tensor partials(ChannelChunks grid) {
        return context.scratch(Shape.of(2, grid.partials()), DType.F32);
    }

    private static Object orNull(Tensor tensor) {
        return tensor != null ? tensor : NULL_POINTER;
    }
}
