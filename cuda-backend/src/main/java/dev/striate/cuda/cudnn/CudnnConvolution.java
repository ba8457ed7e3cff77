package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.CudaContext;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One convolution node on cuDNN's legacy API: its descriptors, and per direction the algorithm, math type and
 * workspace size chosen at compile time. Forward overwrites y; backward data and the bias gradient add into their
 * gradients (beta 1), backward filter adds or overwrites as asked. Each direction has its own convolution descriptor
 * because each carries the math type of its own algorithm. x, w and y are of one data type, float or bf16; the
 * convolution computes in float either way (cuDNN's FLOAT_CONFIG, and BFLOAT16_CONFIG: x, w, y bf16, compute type
 * float). Only float convolutions add their bias through cuDNN (cudnnAddTensor and cudnnConvolutionBackwardBias take
 * the bias in y's data type, and the bias stays a float parameter). x, y, their gradients and the filter operand lie
 * in one layout: NCHW, or for channels-last bf16 work NHWC (x, y described as CUDNN_TENSOR_NHWC, the bf16 weight copy
 * as an NHWC filter, K, R, S, C), the layout cuDNN's bf16 tensor-core kernels read without transposing. Closing
 * destroys its descriptors.
 */
public final class CudnnConvolution implements AutoCloseable {
    private static final int ALGORITHMS_REQUESTED = 8;
    private static final FunctionDescriptor SET_CONVOLUTION_2D = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor SET_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor FIND = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    // (handle, alpha, aDesc, a, bDesc, b, convDesc, algo, workspace, workspaceBytes, beta, cDesc, c)
    private static final FunctionDescriptor RUN = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS);
    // (handle, alpha, aDesc, a, beta, cDesc, c): cudnnAddTensor and cudnnConvolutionBackwardBias
    private static final FunctionDescriptor ALPHA_BETA = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    private final CudaContext context;
    private final CudnnLibrary library;
    private final Descriptors descriptors;
    private final MemorySegment input;
    private final MemorySegment filter;
    private final MemorySegment output;
    private final MemorySegment bias;
    private final Pass forwardPass;
    /** The backward passes; null for a convolution prepared for forward only. */
    private final Pass dataPass;
    private final Pass filterPass;

    /** A direction's convolution descriptor (with its algorithm's math type), algorithm and workspace size. */
    private record Pass(MemorySegment convolution, AlgorithmChoice choice) {
    }

    /**
     * @param dataType the data type of x, w and y ({@link Cudnn#DATA_FLOAT} or {@link Cudnn#DATA_BFLOAT16})
     * @param layout   the layout x, y, their gradients and the filter operand lie in: NCHW, or NHWC for channels-last
     *                 bf16 work
     * @param backward whether backward will run: without it only the forward algorithm is looked for (cuDNN's Find
     *                 runs every algorithm of a direction), as evaluation and prediction need
     */
    public CudnnConvolution(CudaContext context, ConvolutionGeometry g, int dataType, ActivationLayout layout,
                            boolean backward) {
        this.context = context;
        this.library = context.cudnn();
        this.descriptors = new Descriptors(library);
        int format = Cudnn.format(layout);
        this.input = TensorDescriptors.tensor(descriptors, format, dataType, g.batch(), g.inChannels(), g.height(),
                g.width());
        this.filter = TensorDescriptors.filter(descriptors, dataType, format, g.outChannels(),
                g.inChannels() / g.groups(), g.kernelH(), g.kernelW());
        this.output = TensorDescriptors.tensor(descriptors, format, dataType, g.batch(), g.outChannels(),
                g.outHeight(), g.outWidth());
        this.bias = dataType == Cudnn.DATA_FLOAT ? TensorDescriptors.tensor(descriptors, 1, g.outChannels(), 1, 1)
                : null;
        int mathType = MathType.of(context.precision());
        this.forwardPass = pass(ConvolutionDirection.FORWARD, g, mathType, dataType, format, input, filter, output);
        this.dataPass = backward ? pass(ConvolutionDirection.BACKWARD_DATA, g, mathType, dataType, format, filter,
                output, input) : null;
        this.filterPass = backward ? pass(ConvolutionDirection.BACKWARD_FILTER, g, mathType, dataType, format, input,
                output, filter) : null;
    }

    /**
     * Makes the direction's descriptor, finds (or recalls) its algorithm, and sets the chosen math type. The Find
     * functions take the two operand descriptors and the result descriptor around the convolution descriptor:
     * forward (x, w, conv, y), backward data (w, dy, conv, dx), backward filter (x, dy, conv, dw). The choice is
     * kept per format too: cuDNN's fastest algorithm for NHWC tensors is not its fastest for NCHW ones.
     */
    private Pass pass(ConvolutionDirection direction, ConvolutionGeometry g, int mathType, int dataType, int format,
                      MemorySegment first, MemorySegment second, MemorySegment result) {
        MemorySegment convolution = convolutionDescriptor(g, mathType);
        AlgorithmChoice choice = context.convolutionAlgorithms().choose(direction, g, mathType, dataType, format,
                () -> search(direction, first, second, convolution, result));
        Cudnn.call(library, "cudnnSetConvolutionMathType", SET_INT, convolution, choice.mathType());
        return new Pass(convolution, choice);
    }

    /** cuDNN's Find: runs every algorithm of the direction on memory it allocates, and times it; fastest first. */
    private List<AlgorithmPerformance> search(ConvolutionDirection direction, MemorySegment first,
                                              MemorySegment second, MemorySegment convolution, MemorySegment result) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment returned = scratch.allocate(JAVA_INT);
            MemorySegment results = scratch.allocate(AlgorithmPerformance.BYTES * ALGORITHMS_REQUESTED, 8);
            Cudnn.call(library, direction.findFunction(), FIND, library.handle(), first, second, convolution, result,
                    ALGORITHMS_REQUESTED, returned, results);
            return List.copyOf(AlgorithmPerformance.read(results, returned.get(JAVA_INT, 0)));
        }
    }

    /** The compute type is float for float and bf16 tensors alike (fp32 accumulation). */
    private MemorySegment convolutionDescriptor(ConvolutionGeometry g, int mathType) {
        MemorySegment convolution = descriptors.create("Convolution");
        Cudnn.call(library, "cudnnSetConvolution2dDescriptor", SET_CONVOLUTION_2D, convolution, g.padH(), g.padW(),
                g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), Cudnn.CROSS_CORRELATION, Cudnn.DATA_FLOAT);
        Cudnn.call(library, "cudnnSetConvolutionGroupCount", SET_INT, convolution, g.groups());
        Cudnn.call(library, "cudnnSetConvolutionMathType", SET_INT, convolution, mathType);
        return convolution;
    }

    /** y = conv(x, w). */
    public void forward(long x, long w, long y) {
        run("cudnnConvolutionForward", forwardPass, input, x, filter, w, false, output, y);
    }

    /** y += bias, broadcast over N, H, W; float convolutions only. */
    public void addBias(long biasValues, long y) {
        requireFloatBias();
        Cudnn.call(library, "cudnnAddTensor", ALPHA_BETA, library.handle(), Cudnn.ONE, bias,
                Cudnn.device(biasValues), Cudnn.ONE, output, Cudnn.device(y));
    }

    /** dx += the gradient of conv(x, w) with respect to x. */
    public void backwardData(long w, long dy, long dx, boolean accumulate) {
        requireBackward();
        run("cudnnConvolutionBackwardData", dataPass, filter, w, output, dy, accumulate, input, dx);
    }

    /** dw (+)= the gradient with respect to w: added when {@code accumulate}, else written. */
    public void backwardFilter(long x, long dy, long dw, boolean accumulate) {
        requireBackward();
        run("cudnnConvolutionBackwardFilter", filterPass, input, x, output, dy, accumulate, filter, dw);
    }

    private void requireBackward() {
        if (dataPass == null) {
            throw new IllegalStateException("this convolution was prepared for forward only (an executor compiled"
                    + " without backward); compile with a PlanRequest that has backward to run it");
        }
    }

    /** db += Σ dy over N, H, W; float convolutions only. */
    public void backwardBias(long dy, long db) {
        requireFloatBias();
        Cudnn.call(library, "cudnnConvolutionBackwardBias", ALPHA_BETA, library.handle(), Cudnn.ONE, output,
                Cudnn.device(dy), Cudnn.ONE, bias, Cudnn.device(db));
    }

    private void requireFloatBias() {
        if (bias == null) {
            throw new IllegalStateException("a bf16 convolution's bias is added and differentiated by conv.cu");
        }
    }

    private void run(String symbol, Pass pass, MemorySegment firstDescriptor, long first,
                     MemorySegment secondDescriptor, long second, boolean accumulate, MemorySegment resultDescriptor,
                     long result) {
        long workspaceBytes = pass.choice().workspaceBytes();
        long workspace = workspaceBytes == 0 ? 0 : context.workspace(workspaceBytes);
        Cudnn.call(library, symbol, RUN, library.handle(), Cudnn.ONE, firstDescriptor, Cudnn.device(first),
                secondDescriptor, Cudnn.device(second), pass.convolution(), pass.choice().algorithm(),
                Cudnn.device(workspace), workspaceBytes, Cudnn.beta(accumulate), resultDescriptor,
                Cudnn.device(result));
    }

    @Override
    public void close() {
        descriptors.close();
    }
}
