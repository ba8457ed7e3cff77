package dev.striate.cuda.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.cudnn.ConvolutionGeometry;
import dev.striate.cuda.cudnn.Cudnn;
import dev.striate.cuda.cudnn.CudnnConvolution;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bf16 convolution in channels-last work, its cuDNN calls recorded without a GPU: x, y, dx, dy (and the padded
 * copy) described as CUDNN_TENSOR_NHWC (1) with the same n, c, h, w as in NCHW work, the bf16 weight copy and the bf16
 * weight gradient as an NHWC filter (k, c, r, s laid out K, R, S, C), every Find and run given those descriptors, and
 * otherwise exactly the calls bf16 NCHW work makes. Which kernel casts the weight or pads the input is the kernels'
 * own tests' concern; here only that cuDNN is given bf16 temporaries of the right shapes. {@link NodeRun} also checks
 * every data pointer's descriptor against the layout its tensor lies in ({@link CudnnDataTypes}).
 */
class ChannelsLastConvolutionArgumentsTest {
    private static final int BF16 = 9;
    private static final int FLOAT = 0;
    private static final int NCHW = 0;
    private static final int NHWC = 1;
    /** cudnnConvolution{Forward,BackwardData,BackwardFilter}(handle, alpha, aDesc, a, bDesc, b, conv, algo, ws,
     *  wsBytes, beta, cDesc, c): the positions of a, b, beta and c. */
    private static final int FIRST = 3;
    private static final int SECOND = 5;
    private static final int BETA = 10;
    private static final int RESULT = 12;

    private static NodeRun run(ActivationLayout layout, Conv2d op, Shape input) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, layout);
        NodeRun node = new NodeRun(context, new Conv2dKernel(context), op, input, DType.BF16);
        node.run(RunContext.training(1, 1));
        return node;
    }

    @Test
    void describesEveryTensorChannelsLastWithItsNchwDimensions() {
        NodeRun node = run(ActivationLayout.NHWC, Conv2d.of(4, 3, 1, 1), Shape.of(2, 3, 6, 6));

        // cudnnSetTensor4dDescriptor(desc, format, dataType, n, c, h, w): x and y (the bias is conv.cu's).
        assertEquals(List.of(List.of(NHWC, BF16, 2, 3, 6, 6), List.of(NHWC, BF16, 2, 4, 6, 6)),
                arguments(node, "cudnnSetTensor4dDescriptor", 1, 7));
        // cudnnSetFilter4dDescriptor(desc, dataType, format, k, c, r, s)
        assertEquals(List.of(List.of(BF16, NHWC, 4, 3, 3, 3)), arguments(node, "cudnnSetFilter4dDescriptor", 1, 7));
        // cudnnSetConvolution2dDescriptor(desc, padH, padW, u, v, dilH, dilW, mode, computeType), one per direction
        assertEquals(List.of(List.of(1, 1, 1, 1, 1, 1, 1, FLOAT), List.of(1, 1, 1, 1, 1, 1, 1, FLOAT),
                List.of(1, 1, 1, 1, 1, 1, 1, FLOAT)), arguments(node, "cudnnSetConvolution2dDescriptor", 1, 9));
        checkDescriptorsOfEachConvolutionCall(node);

        FakeCudnn.Call forward = call(node, "cudnnConvolutionForward");
        assertEquals(node.address(node.x), address(forward, FIRST));
        Tensor forwardWeight = bf16Temporary(node, address(forward, SECOND), Shape.of(4, 3, 3, 3));
        assertEquals(0f, scalar(forward, BETA));
        assertEquals(node.address(node.y), address(forward, RESULT));

        FakeCudnn.Call data = call(node, "cudnnConvolutionBackwardData");
        assertEquals(node.address(forwardWeight), address(data, FIRST), "backward data reads the copy forward cast");
        assertEquals(1, node.context.launches().stream().filter(l -> l.kernel().equals("cast_f32_to_storage")).count(),
                "one weight cast per step");
        assertEquals(node.address(node.dy), address(data, SECOND));
        assertEquals(1f, scalar(data, BETA), "dx accumulates");
        assertEquals(node.address(node.dx), address(data, RESULT));

        FakeCudnn.Call filter = call(node, "cudnnConvolutionBackwardFilter");
        assertEquals(node.address(node.x), address(filter, FIRST));
        assertEquals(node.address(node.dy), address(filter, SECOND));
        assertEquals(0f, scalar(filter, BETA), "dW is computed into a bf16 temporary, then added into the float one");
        bf16Temporary(node, address(filter, RESULT), Shape.of(4, 3, 3, 3));

        assertEquals(List.of(), calls(node, "cudnnAddTensor"));
        assertEquals(List.of(), calls(node, "cudnnConvolutionBackwardBias"));
        assertEquals(8, node.context.device().liveCount(),
                "x, y, dx, dy, W, b and their gradients; temporaries and the copy gone");
    }

    @Test
    void asymmetricPaddingConvolvesAChannelsLastPaddedCopy() {
        Window2d window = new Window2d(3, 3, 1, 1, 0, 1, 1, 0, 1, 1);
        NodeRun node = run(ActivationLayout.NHWC, new Conv2d(4, window, 1, false, Conv2d.TORCHVISION_INIT),
                Shape.of(2, 3, 5, 5));

        // The input padded (top 0, bottom 1, left 1, right 0) to 6 x 6, convolved with padding 0 into 4 x 4.
        assertEquals(List.of(List.of(NHWC, BF16, 2, 3, 6, 6), List.of(NHWC, BF16, 2, 4, 4, 4)),
                arguments(node, "cudnnSetTensor4dDescriptor", 1, 7));
        assertEquals(List.of(0, 0, 1, 1, 1, 1, 1, FLOAT),
                arguments(node, "cudnnSetConvolution2dDescriptor", 1, 9).getFirst());
        checkDescriptorsOfEachConvolutionCall(node);
        FakeCudnn.Call forward = call(node, "cudnnConvolutionForward");
        bf16Temporary(node, address(forward, FIRST), Shape.of(2, 3, 6, 6));
        bf16Temporary(node, address(call(node, "cudnnConvolutionBackwardFilter"), FIRST), Shape.of(2, 3, 6, 6));
        // Backward data writes (beta 0) the padded copy's gradient, whose interior is then added into dx.
        FakeCudnn.Call data = call(node, "cudnnConvolutionBackwardData");
        bf16Temporary(node, address(data, RESULT), Shape.of(2, 3, 6, 6));
        assertEquals(0f, scalar(data, BETA));
        assertEquals(6, node.context.device().liveCount(), "x, y, dx, dy, W, dW; every temporary released");
    }

    @Test
    void groupedAndDepthwiseFiltersHoldTheInputChannelsOfOneGroup() {
        NodeRun grouped = run(ActivationLayout.NHWC,
                new Conv2d(4, Window2d.square(3, 2, 1), 2, false, Conv2d.TORCHVISION_INIT), Shape.of(2, 6, 5, 5));
        assertEquals(List.of(List.of(NHWC, BF16, 2, 6, 5, 5), List.of(NHWC, BF16, 2, 4, 3, 3)),
                arguments(grouped, "cudnnSetTensor4dDescriptor", 1, 7));
        assertEquals(List.of(List.of(BF16, NHWC, 4, 3, 3, 3)),
                arguments(grouped, "cudnnSetFilter4dDescriptor", 1, 7));
        assertEquals(List.of(1, 1, 2, 2, 1, 1, 1, FLOAT),
                arguments(grouped, "cudnnSetConvolution2dDescriptor", 1, 9).getFirst());
        assertEquals(List.of(List.of(2), List.of(2), List.of(2)),
                arguments(grouped, "cudnnSetConvolutionGroupCount", 1, 2));
        checkDescriptorsOfEachConvolutionCall(grouped);

        NodeRun depthwise = run(ActivationLayout.NHWC,
                new Conv2d(6, Window2d.square(3, 1, 1), 6, true, Conv2d.TORCHVISION_INIT), Shape.of(2, 6, 5, 5));
        assertEquals(List.of(List.of(BF16, NHWC, 6, 1, 3, 3)),
                arguments(depthwise, "cudnnSetFilter4dDescriptor", 1, 7));
        assertEquals(List.of(List.of(6), List.of(6), List.of(6)),
                arguments(depthwise, "cudnnSetConvolutionGroupCount", 1, 2));
        bf16Temporary(depthwise, address(call(depthwise, "cudnnConvolutionForward"), SECOND), Shape.of(6, 1, 3, 3));
        checkDescriptorsOfEachConvolutionCall(depthwise);
    }

    /** A plain convolution with bias, asymmetric padding, grouped and strided, depthwise, dilated. */
    static Stream<Conv2d> convolutions() {
        return Stream.of(Conv2d.of(4, 3, 1, 1),
                new Conv2d(4, new Window2d(3, 3, 1, 1, 0, 1, 1, 0, 1, 1), 1, false, Conv2d.TORCHVISION_INIT),
                new Conv2d(4, Window2d.square(3, 2, 1), 2, false, Conv2d.TORCHVISION_INIT),
                new Conv2d(6, Window2d.square(3, 1, 1), 6, true, Conv2d.TORCHVISION_INIT),
                new Conv2d(4, new Window2d(3, 3, 1, 1, 2, 2, 2, 2, 2, 2), 1, true, Conv2d.TORCHVISION_INIT));
    }

    /**
     * Channels-last work makes bf16 NCHW work's cuDNN calls, in order, with the same arguments (the same tensors, as
     * the fake device hands out addresses in allocation order), but for the format of each tensor and filter
     * descriptor.
     */
    @ParameterizedTest
    @MethodSource("convolutions")
    void makesTheCallsOfNchwWorkButForTheFormat(Conv2d op) {
        Shape input = Shape.of(2, 6, 7, 7);
        List<List<Object>> nchw = comparable(run(ActivationLayout.NCHW, op, input));
        List<List<Object>> nhwc = comparable(run(ActivationLayout.NHWC, op, input));
        List<List<Object>> expected = new ArrayList<>();
        for (List<Object> call : nchw) {
            List<Object> changed = new ArrayList<>(call);
            // (symbol, desc, format, ...) for tensors; (symbol, desc, dataType, format, ...) for filters
            int format = call.getFirst().equals("cudnnSetTensor4dDescriptor") ? 2
                    : call.getFirst().equals("cudnnSetFilter4dDescriptor") ? 3 : -1;
            if (format > 0) {
                assertEquals(NCHW, changed.get(format), call.toString());
                changed.set(format, NHWC);
            }
            expected.add(changed);
        }
        assertTrue(nchw.stream().anyMatch(call -> call.getFirst().equals("cudnnConvolutionBackwardFilter")));
        assertEquals(expected, nhwc);
    }

    /**
     * The check every run above relies on refuses a descriptor that disagrees with its tensor: an NCHW description
     * of channels-last bf16 tensors (a convolution prepared as if the work were NCHW) fails it.
     */
    @Test
    void aDescriptorInAnotherLayoutThanItsTensorIsRefused() {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC);
        ConvolutionGeometry geometry = new ConvolutionGeometry(2, 3, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 6, 6);
        Tensor x = context.device().allocate(Shape.of(2, 3, 6, 6), DType.BF16);
        Tensor w = context.device().allocate(Shape.of(4, 3, 3, 3), DType.BF16);
        Tensor y = context.device().allocate(Shape.of(2, 4, 6, 6), DType.BF16);
        try (CudnnConvolution convolution = new CudnnConvolution(context, geometry, Cudnn.DATA_BFLOAT16,
                ActivationLayout.NCHW, false)) {
            convolution.forward(context.address(x), context.address(w), context.address(y));
        }
        AssertionError refused = assertThrows(AssertionError.class,
                () -> CudnnDataTypes.check(context, DType.BF16, address -> false));
        assertTrue(refused.getMessage().contains("cudnnConvolutionForward argument 3: the descriptor's format is not"
                + " the layout the BF16 "), refused.getMessage());
    }

    /**
     * Each Find and each run is given the node's data descriptors in cuDNN's order, every one set NHWC: forward
     * (x, w, y), backward data (w, dy, dx), backward filter (x, dy, dw).
     */
    private static void checkDescriptorsOfEachConvolutionCall(NodeRun node) {
        Map<Long, List<Object>> set = new HashMap<>();
        for (FakeCudnn.Call call : node.context.cudnnCalls()) {
            if (call.symbol().equals("cudnnSetTensor4dDescriptor")) {
                set.put(address(call, 0), List.of("tensor", call.arguments().get(1)));
            } else if (call.symbol().equals("cudnnSetFilter4dDescriptor")) {
                set.put(address(call, 0), List.of("filter", call.arguments().get(2)));
            }
        }
        Map<String, List<String>> kinds = Map.of("Forward", List.of("tensor", "filter", "tensor"),
                "BackwardData", List.of("filter", "tensor", "tensor"),
                "BackwardFilter", List.of("tensor", "tensor", "filter"));
        int checked = 0;
        for (FakeCudnn.Call call : node.context.cudnnCalls()) {
            String symbol = call.symbol();
            // cudnnFindConvolution*Algorithm(handle, aDesc, bDesc, conv, cDesc, ...); the runs as above
            List<Integer> positions = symbol.startsWith("cudnnFindConvolution") ? List.of(1, 2, 4)
                    : symbol.matches("cudnnConvolution(Forward|BackwardData|BackwardFilter)") ? List.of(2, 4, 11)
                    : List.of();
            if (positions.isEmpty()) {
                continue;
            }
            String direction = symbol.replaceAll("cudnn(Find)?Convolution(\\w+?)(Algorithm)?$", "$2");
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of(kinds.get(direction).get(i), NHWC), set.get(address(call, positions.get(i))),
                        symbol + " descriptor argument " + positions.get(i));
            }
            checked++;
        }
        assertEquals(6, checked, "three Finds and three runs");
    }

    /** The tensor at {@code address}: a bf16 temporary of {@code shape}, none of the node's own tensors. */
    private static Tensor bf16Temporary(NodeRun node, long address, Shape shape) {
        Tensor tensor = node.context.device().tensorAt(address);
        assertEquals(shape, tensor.shape());
        assertEquals(DType.BF16, tensor.dtype());
        List<Tensor> own = new ArrayList<>(List.of(node.x, node.y, node.dx, node.dy));
        own.addAll(node.params);
        assertTrue(own.stream().noneMatch(t -> t == tensor), "a temporary, not one of the node's tensors");
        return tensor;
    }

    /**
     * Each recorded call as its symbol and arguments: ints as they are, descriptors by handle, device memory as the
     * node's tensor it is or as a temporary of its shape and type (so that a layout allocating temporaries in another
     * order still compares), the shared alpha and beta as their float, other host memory (out-parameters) by size.
     */
    private static List<List<Object>> comparable(NodeRun node) {
        Map<Tensor, String> own = new HashMap<>(Map.of(node.x, "x", node.y, "y", node.dx, "dx", node.dy, "dy"));
        for (int i = 0; i < node.params.size(); i++) {
            own.put(node.params.get(i), "parameter " + i);
            own.put(node.paramGrads.get(i), "parameter gradient " + i);
        }
        return node.context.cudnnCalls().stream().map(call -> {
            List<Object> values = new ArrayList<>(List.of(call.symbol()));
            for (Object argument : call.arguments()) {
                values.add(argument instanceof MemorySegment segment ? comparable(node, own, segment) : argument);
            }
            return values;
        }).toList();
    }

    private static Object comparable(NodeRun node, Map<Tensor, String> own, MemorySegment segment) {
        if (segment.byteSize() > 0) {
            return segment.address() == Cudnn.ONE.address() || segment.address() == Cudnn.ZERO.address()
                    ? Cudnn.ONE.address() == segment.address() ? "one" : "zero"
                    : "host " + segment.byteSize();
        }
        Tensor tensor = node.context.device().tensorAt(segment.address());
        if (tensor == null) {
            return segment.address();
        }
        return own.getOrDefault(tensor, "temporary " + tensor.dtype() + " " + tensor.shape());
    }

    private static List<List<Object>> arguments(NodeRun node, String symbol, int from, int to) {
        return calls(node, symbol).stream().map(c -> c.arguments().subList(from, to)).toList();
    }

    private static List<FakeCudnn.Call> calls(NodeRun node, String symbol) {
        return node.context.cudnnCalls().stream().filter(c -> c.symbol().equals(symbol)).toList();
    }

    private static FakeCudnn.Call call(NodeRun node, String symbol) {
        List<FakeCudnn.Call> calls = calls(node, symbol);
        assertEquals(1, calls.size(), symbol);
        return calls.getFirst();
    }

    private static long address(FakeCudnn.Call call, int position) {
        return ((MemorySegment) call.arguments().get(position)).address();
    }

    /** A host float cuDNN reads (alpha, beta). */
    private static float scalar(FakeCudnn.Call call, int position) {
        return ((MemorySegment) call.arguments().get(position)).reinterpret(4).get(JAVA_FLOAT, 0);
    }
}
