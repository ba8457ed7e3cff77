package dev.striate.cuda.kernel;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.ConvolutionGeometry;
import java.util.Arrays;

/**
 * A depthwise convolution (groups = input channels; output channels a multiple of them) on the project's own kernels
 * ({@code depthwise.cu}) instead of cuDNN, as PyTorch runs float depthwise convolutions on its own kernels (cuDNN's
 * are "not very fast" for them: pytorch issue 15513). Forward and backward data take one thread per element they
 * write; the weight gradient is summed in two stages over {@link ChannelChunks} (partials per output channel, chunk and
 * tap in scratch memory, then added per output channel in a fixed order: no atomics, the same result on every run). A
 * 3×3 filter runs on the kernels compiled for it ({@code _3x3}: unrolled taps), any other on the general ones.
 *
 * <p>Activations (x, y, dx, dy) are stored as the work's (float, or bf16 laid out as the context says); the weight
 * operand is the float weight in float work and the plan's bf16 copy in bf16 work ({@link Bf16WeightCopy}: for
 * depthwise [K, 1, R, S] and cuDNN's channels-last [K, R, S, 1] are the same memory); the weight gradient is float.
 */
final class DepthwiseConvolution {
    private static final String SOURCE = "depthwise";

    private final Launcher launcher;
    private final CudaContext context;
    private final ConvolutionGeometry g;
    private final boolean threeByThree;

    /**
     * Whether these kernels run g: groups == inChannels and outChannels a multiple of groups (any kernel size,
     * stride, symmetric padding, dilation), with x and y below 2^31 elements (the kernels index in 32 bits).
     */
    static boolean handles(ConvolutionGeometry g) {
        return g.groups() == g.inChannels() && g.outChannels() % g.groups() == 0
                && elements(g.batch(), g.inChannels(), g.height(), g.width()) <= Integer.MAX_VALUE
                && elements(g.batch(), g.outChannels(), g.outHeight(), g.outWidth()) <= Integer.MAX_VALUE;
    }

    DepthwiseConvolution(Launcher launcher, CudaContext context, ConvolutionGeometry g) {
        if (!handles(g)) {
            throw new IllegalArgumentException("not a depthwise convolution these kernels run: " + g);
        }
        this.launcher = launcher;
        this.context = context;
        this.g = g;
        this.threeByThree = g.kernelH() == 3 && g.kernelW() == 3;
    }

    /** y = conv(x, w), written whole, no bias. x, y stored as the work's activations; w the weight operand. */
    void forward(Tensor x, Tensor w, Tensor y) {
        launcher.overElements(SOURCE, kernel("depthwise_forward"), y.size(), withGeometry(x, w, y));
    }

    /** dx (+)= d conv / dx; written whole when !accumulate. */
    void backwardData(Tensor w, Tensor dy, Tensor dx, boolean accumulate) {
        launcher.overElements(SOURCE, kernel("depthwise_backward_data"), dx.size(),
                withGeometry(w, dy, dx, accumulate ? 1 : 0));
    }

    /** dw (+)= d conv / dw into the FLOAT weight gradient; written whole when !accumulate. */
    void backwardFilter(Tensor x, Tensor dy, Tensor dw, boolean accumulate) {
        ChannelChunks chunks = ChannelChunks.of(launcher.variantLayout(dy), g.outChannels(),
                (long) g.batch() * g.outHeight() * g.outWidth());
        int weights = g.outChannels() * g.kernelH() * g.kernelW();
        Tensor partials = context.scratch(Shape.of(Math.multiplyExact(chunks.chunks(), weights)), DType.F32);
        launcher.withBlocks(SOURCE, kernel("depthwise_filter_partials"), chunks.blocks(),
                withGeometry(x, dy, partials, chunks.chunkLength()));
        launcher.withBlocks(SOURCE, "depthwise_filter_gradient", g.outChannels(), partials, dw, g.outChannels(),
                g.kernelH(), g.kernelW(), chunks.chunks(), accumulate ? 1 : 0);
        context.release(partials);
    }

    /** The kernel for this filter: its 3×3 build where the filter is 3×3. */
    private String kernel(String name) {
        return threeByThree ? name + "_3x3" : name;
    }

    /** The tensors, then the geometry as every {@code depthwise.cu} kernel takes it, then {@code last}. */
    private Object[] withGeometry(Tensor first, Tensor second, Tensor third, Object... last) {
        Object[] geometry = {first, second, third, g.batch(), g.inChannels(), g.height(), g.width(), g.outChannels(),
            g.outHeight(), g.outWidth(), g.kernelH(), g.kernelW(), g.padH(), g.padW(), g.strideH(), g.strideW(),
            g.dilationH(), g.dilationW()};
        Object[] all = Arrays.copyOf(geometry, geometry.length + last.length);
        System.arraycopy(last, 0, all, geometry.length, last.length);
        return all;
    }

    private static long elements(long batch, long channels, long height, long width) {
        return batch * channels * height * width;
    }
}
