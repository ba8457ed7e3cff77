package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.striate.core.tensor.Shape;
import dev.striate.cuda.CudaContext;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * Batch normalization of one node on cuDNN, per channel over N, H, W ({@code CUDNN_BATCHNORM_SPATIAL}; rank 2 [N, C]
 * is N x C x 1 x 1). Training normalizes with the batch mean and biased variance and moves the running statistics
 * by the factor given (running = (1 - factor)·running + factor·batch, the variance unbiased, as PyTorch, which uses
 * these same calls); it saves the batch mean and 1/√(σ² + eps) for backward. Float data only: cuDNN 9's legacy batch
 * norm (deprecated since 9.0 for the graph API) documents no bf16 configuration, so bf16 batch norm runs on
 * {@code batchnorm.cu}. Closing destroys its descriptors.
 */
public final class CudnnBatchNorm implements AutoCloseable {
    private static final int SPATIAL = 1;
    private static final FunctionDescriptor TRAINING = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS, ADDRESS,
            JAVA_DOUBLE, ADDRESS, ADDRESS);
    private static final FunctionDescriptor INFERENCE = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_DOUBLE);
    private static final FunctionDescriptor BACKWARD = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS, ADDRESS);

    private final CudnnLibrary library;
    private final Descriptors descriptors;
    private final MemorySegment data;
    private final MemorySegment perChannel;

    public CudnnBatchNorm(CudaContext context, Shape input) {
        this.library = context.cudnn();
        this.descriptors = new Descriptors(library);
        this.data = TensorDescriptors.tensor(descriptors, input);
        this.perChannel = TensorDescriptors.tensor(descriptors, 1, input.dim(1), 1, 1);
    }

    /** The per-channel tensors of one call, all float [C] device addresses. */
    public record Statistics(long mean, long variance) {
    }

    /** y = γ·(x - μ_batch)/√(σ²_batch + eps) + β; updates {@code running}; writes {@code saved} (mean, 1/std). */
    public void forwardTraining(long x, long y, long scale, long bias, double momentum, Statistics running,
                                double eps, Statistics saved) {
        Cudnn.call(library, "cudnnBatchNormalizationForwardTraining", TRAINING, library.handle(), SPATIAL,
                Cudnn.ONE, Cudnn.ZERO, data, Cudnn.device(x), data, Cudnn.device(y), perChannel,
                Cudnn.device(scale), Cudnn.device(bias), momentum, Cudnn.device(running.mean()),
                Cudnn.device(running.variance()), eps, Cudnn.device(saved.mean()), Cudnn.device(saved.variance()));
    }

    /** y = γ·(x - running mean)/√(running var + eps) + β. */
    public void forwardInference(long x, long y, long scale, long bias, Statistics running, double eps) {
        Cudnn.call(library, "cudnnBatchNormalizationForwardInference", INFERENCE, library.handle(), SPATIAL,
                Cudnn.ONE, Cudnn.ZERO, data, Cudnn.device(x), data, Cudnn.device(y), perChannel,
                Cudnn.device(scale), Cudnn.device(bias), Cudnn.device(running.mean()),
                Cudnn.device(running.variance()), eps);
    }

    /**
     * Backward through the batch statistics saved by {@link #forwardTraining}: dx (+)= ..., dγ += Σ dy·x̂,
     * dβ += Σ dy. {@code accumulateInput} false overwrites dx (a scratch tensor when dx is not wanted).
     */
    public void backward(long x, long dy, long dx, boolean accumulateInput, long scale, long scaleGrad, long biasGrad,
                         double eps, Statistics saved) {
        Cudnn.call(library, "cudnnBatchNormalizationBackward", BACKWARD, library.handle(), SPATIAL, Cudnn.ONE,
                Cudnn.beta(accumulateInput), Cudnn.ONE, Cudnn.ONE, data, Cudnn.device(x), data,
                Cudnn.device(dy), data, Cudnn.device(dx), perChannel, Cudnn.device(scale), Cudnn.device(scaleGrad),
                Cudnn.device(biasGrad), eps, Cudnn.device(saved.mean()), Cudnn.device(saved.variance()));
    }

    @Override
    public void close() {
        descriptors.close();
    }
}
