package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.striate.cuda.CudaContext;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * log softmax over the classes of [N, K] on cuDNN ({@code CUDNN_SOFTMAX_LOG}, per-channel mode on N x K x 1 x 1).
 * Backward is dx += dy - e^y · Σ dy, as the reference; it adds (beta 1). Closing destroys its descriptor. F32 tensors
 * only (fp32 and tf32 work): a node stored in bf16 runs {@code loss.cu}'s log-softmax kernels instead.
 */
public final class CudnnLogSoftmax implements AutoCloseable {
    private static final int SOFTMAX_LOG = 2;
    private static final int MODE_CHANNEL = 1;
    // (handle, algorithm, mode, alpha, xDesc, x, beta, yDesc, y)
    private static final FunctionDescriptor FORWARD = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    // (handle, algorithm, mode, alpha, yDesc, y, dyDesc, dy, beta, dxDesc, dx)
    private static final FunctionDescriptor BACKWARD = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    private final CudnnLibrary library;
    private final Descriptors descriptors;
    private final MemorySegment tensor;

    public CudnnLogSoftmax(CudaContext context, int rows, int classes) {
        this.library = context.cudnn();
        this.descriptors = new Descriptors(library);
        this.tensor = TensorDescriptors.tensor(descriptors, rows, classes, 1, 1);
    }

    public void forward(long x, long y) {
        Cudnn.call(library, "cudnnSoftmaxForward", FORWARD, library.handle(), SOFTMAX_LOG, MODE_CHANNEL,
                Cudnn.ONE, tensor, Cudnn.device(x), Cudnn.ZERO, tensor, Cudnn.device(y));
    }

    /** dx += the gradient through log softmax, or dx = it when not {@code accumulate} (beta 0: dx is not read). */
    public void backward(long y, long dy, long dx, boolean accumulate) {
        Cudnn.call(library, "cudnnSoftmaxBackward", BACKWARD, library.handle(), SOFTMAX_LOG, MODE_CHANNEL,
                Cudnn.ONE, tensor, Cudnn.device(y), tensor, Cudnn.device(dy), accumulate ? Cudnn.ONE : Cudnn.ZERO,
                tensor, Cudnn.device(dx));
    }

    @Override
    public void close() {
        descriptors.close();
    }
}
