package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.striate.core.tensor.Shape;
import dev.striate.cuda.CudaContext;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * An elementwise activation of one node on cuDNN ({@code cudnnActivationForward}/{@code Backward}), NaN propagated as
 * the reference's arithmetic does. Backward adds into dx (beta 1). Closing destroys its descriptors. F32 tensors only
 * (fp32 and tf32 work): a node stored in bf16 runs {@code activation.cu} instead, as these legacy calls do not
 * document BF16.
 */
public final class CudnnActivation implements AutoCloseable {
    public static final int SIGMOID = 0;
    public static final int RELU = 1;
    public static final int TANH = 2;
    /** min(max(0, x), coefficient): ReLU6 with coefficient 6. */
    public static final int CLIPPED_RELU = 3;
    /** x for x > 0, coefficient·(e^x - 1) otherwise. */
    public static final int ELU = 4;

    private static final FunctionDescriptor SET = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
            JAVA_DOUBLE);
    // (handle, activation, alpha, xDesc, x, beta, yDesc, y)
    private static final FunctionDescriptor FORWARD = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    // (handle, activation, alpha, yDesc, y, dyDesc, dy, xDesc, x, beta, dxDesc, dx)
    private static final FunctionDescriptor BACKWARD = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    private final CudnnLibrary library;
    private final Descriptors descriptors;
    private final MemorySegment activation;
    private final MemorySegment tensor;

    public CudnnActivation(CudaContext context, Shape shape, int mode, double coefficient) {
        this.library = context.cudnn();
        this.descriptors = new Descriptors(library);
        this.activation = descriptors.create("Activation");
        Cudnn.call(library, "cudnnSetActivationDescriptor", SET, activation, mode, Cudnn.PROPAGATE_NAN, coefficient);
        this.tensor = TensorDescriptors.tensor(descriptors, shape);
    }

    public void forward(long x, long y) {
        Cudnn.call(library, "cudnnActivationForward", FORWARD, library.handle(), activation, Cudnn.ONE, tensor,
                Cudnn.device(x), Cudnn.ZERO, tensor, Cudnn.device(y));
    }

    /**
     * dx += dy · f'(x), or dx = dy · f'(x) when not {@code accumulate} (beta 0: cuDNN then does not read dx, which may
     * hold anything).
     */
    public void backward(long x, long y, long dy, long dx, boolean accumulate) {
        Cudnn.call(library, "cudnnActivationBackward", BACKWARD, library.handle(), activation, Cudnn.ONE, tensor,
                Cudnn.device(y), tensor, Cudnn.device(dy), tensor, Cudnn.device(x),
                accumulate ? Cudnn.ONE : Cudnn.ZERO, tensor, Cudnn.device(dx));
    }

    @Override
    public void close() {
        descriptors.close();
    }
}
