package dev.striate.cuda.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.cudnn.ConvolutionAlgorithms;
import dev.striate.cuda.cudnn.MathType;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bf16 convolution's cuDNN calls and launches, recorded without a GPU and checked against cuDNN 9's BFLOAT16
 * configuration (x, w, y of CUDNN_DATA_BFLOAT16 = 9, convolution compute type CUDNN_DATA_FLOAT = 0): which buffer
 * each call is given, its beta, the weight cast once per step into the plan's bf16 copy (by forward; backward data
 * reads it), the weight gradient computed into a
 * bf16 temporary (beta 0) and added into the float master gradient, the bias on {@code conv.cu}. The fp32 path is
 * checked to stay as it was; channels-last bf16 convolutions are {@link ChannelsLastConvolutionArgumentsTest}'s.
 */
class Bf16ConvolutionArgumentsTest {
    private static final int BF16 = 9;
    private static final int FLOAT = 0;
    private static final int NCHW = 0;
    /** cudnnConvolution{Forward,BackwardData,BackwardFilter}(handle, alpha, aDesc, a, bDesc, b, conv, algo, ws,
     *  wsBytes, beta, cDesc, c): the positions of a, b, beta and c. */
    private static final int FIRST = 3;
    private static final int SECOND = 5;
    private static final int BETA = 10;
    private static final int RESULT = 12;

    private static NodeRun run(Precision precision, DType activations, Conv2d op, Shape input) {
        RecordingCudaContext context = new RecordingCudaContext(precision);
        NodeRun node = new NodeRun(context, new Conv2dKernel(context), op, input, activations);
        node.run(RunContext.training(1, 1));
        return node;
    }

    @Test
    void bf16ConvolutionDescribesBf16TensorsComputesInFloatAndCastsTheWeightOncePerStep() {
        NodeRun node = run(Precision.BF16, DType.BF16, Conv2d.of(4, 3, 1, 1), Shape.of(2, 3, 6, 6));
        Tensor weight = node.params.get(0);

        // x and y bf16 (no bias descriptor: the bias is conv.cu's), the filter bf16, three float-compute directions.
        assertEquals(List.of(List.of(NCHW, BF16, 2, 3, 6, 6), List.of(NCHW, BF16, 2, 4, 6, 6)),
                calls(node, "cudnnSetTensor4dDescriptor").stream().map(c -> c.arguments().subList(1, 7)).toList());
        assertEquals(List.of(List.of(BF16, NCHW, 4, 3, 3, 3)),
                calls(node, "cudnnSetFilter4dDescriptor").stream().map(c -> c.arguments().subList(1, 7)).toList());
        // cudnnSetConvolution2dDescriptor(desc, padH, padW, u, v, dilH, dilW, mode, computeType)
        assertEquals(List.of(FLOAT, FLOAT, FLOAT),
                calls(node, "cudnnSetConvolution2dDescriptor").stream().map(c -> c.arguments().get(8)).toList());
        // Tensor cores wanted before each search (the fake then reports an FMA algorithm, which is set).
        assertEquals(List.of(MathType.TENSOR_OP, MathType.FMA, MathType.TENSOR_OP, MathType.FMA, MathType.TENSOR_OP,
                MathType.FMA), calls(node, "cudnnSetConvolutionMathType").stream().map(c -> c.arguments().get(1))
                .toList());

        // One cast, in forward, into the plan's bf16 copy; backward data reads that copy.
        List<RecordingCudaContext.Launch> casts = launches(node, "cast_f32_to_storage");
        assertEquals(1, casts.size(), "backward data reads the copy forward cast");
        Tensor copy = (Tensor) casts.getFirst().arguments().get(1);
        assertEquals(List.of(weight, copy, 108L, 3, 9), casts.getFirst().arguments(), "read as [4, 3, 9]");
        assertEquals(DType.BF16, copy.dtype());

        FakeCudnn.Call forward = calls(node, "cudnnConvolutionForward").getFirst();
        assertEquals(node.address(node.x), address(forward, FIRST));
        assertEquals(node.address(copy), address(forward, SECOND));
        assertEquals(0f, scalar(forward, BETA));
        assertEquals(node.address(node.y), address(forward, RESULT));

        FakeCudnn.Call data = calls(node, "cudnnConvolutionBackwardData").getFirst();
        assertEquals(node.address(copy), address(data, FIRST));
        assertEquals(node.address(node.dy), address(data, SECOND));
        assertEquals(1f, scalar(data, BETA), "dx accumulates");
        assertEquals(node.address(node.dx), address(data, RESULT));

        // dW: into a bf16 temporary with beta 0, then accumulate_storage_into_f32 into the float gradient.
        FakeCudnn.Call filter = calls(node, "cudnnConvolutionBackwardFilter").getFirst();
        assertEquals(node.address(node.x), address(filter, FIRST));
        assertEquals(node.address(node.dy), address(filter, SECOND));
        assertEquals(0f, scalar(filter, BETA));
        RecordingCudaContext.Launch accumulate = launches(node, "accumulate_storage_into_f32").getFirst();
        Tensor computed = (Tensor) accumulate.arguments().get(0);
        assertEquals(List.of(computed, node.paramGrads.get(0), 108L, 3, 9), accumulate.arguments());
        assertEquals(DType.BF16, computed.dtype());
        assertEquals(node.address(computed), address(filter, RESULT));

        // Bias through conv.cu on the float bias: y [2, 4, 6, 6] as N 2, C 4, S 36. db in two stages: the 72 values
        // of a channel are one chunk (of up to 4096), so one block per (channel, chunk) writes 4 partials into a
        // float temporary, then one block per channel adds them into db.
        assertEquals(List.of(node.params.get(1), node.y, 2, 4, 36),
                launches(node, "add_channel_bias").getFirst().arguments());
        RecordingCudaContext.Launch partials = launches(node, "channel_sum_partials").getFirst();
        Tensor partialSums = (Tensor) partials.arguments().get(1);
        assertEquals(List.of(node.dy, partialSums, 2, 4, 36, 4096), partials.arguments());
        assertEquals(4, partials.blocks());
        assertEquals(Shape.of(4), partialSums.shape());
        assertEquals(DType.F32, partialSums.dtype());
        RecordingCudaContext.Launch biasGradient = launches(node, "channel_bias_gradient").getFirst();
        assertEquals(List.of(partialSums, node.paramGrads.get(1), 2, 4, 36, 4096), biasGradient.arguments());
        assertEquals(4, biasGradient.blocks());
        assertEquals(List.of(), calls(node, "cudnnAddTensor"));
        assertEquals(List.of(), calls(node, "cudnnConvolutionBackwardBias"));
        // Adding the float partials into the float db touches no activation: the F32 variant; the rest bf16.
        node.context.launches().forEach(l -> assertEquals(l.kernel().equals("channel_bias_gradient") ? DType.F32
                : DType.BF16, l.storage(), l.kernel() + "'s variant"));
        assertEquals(8, node.context.device().liveCount(), "every temporary released");
    }

    @Test
    void bf16AsymmetricPaddingPadsAndUnpadsInBf16() {
        Window2d window = new Window2d(3, 3, 1, 1, 0, 1, 1, 0, 1, 1);
        NodeRun node = run(Precision.BF16, DType.BF16, new Conv2d(4, window, 1, false, Conv2d.TORCHVISION_INIT),
                Shape.of(2, 3, 5, 5));

        // The padded input 2 x 3 x 6 x 6 (top 0, bottom 1, left 1, right 0) in bf16, convolved with padding 0.
        List<RecordingCudaContext.Launch> pads = launches(node, "pad_input");
        assertEquals(2, pads.size(), "forward and backward filter each pad x");
        for (RecordingCudaContext.Launch pad : pads) {
            Tensor padded = (Tensor) pad.arguments().get(1);
            assertEquals(List.of(node.x, padded, 2, 3, 5, 5, 6, 6, 0, 1), pad.arguments());
            assertEquals(DType.BF16, padded.dtype());
            assertEquals(Shape.of(2, 3, 6, 6), padded.shape());
        }
        assertEquals(List.of(NCHW, BF16, 2, 3, 6, 6),
                calls(node, "cudnnSetTensor4dDescriptor").getFirst().arguments().subList(1, 7));
        // Backward data into a bf16 padded gradient (beta 0), whose interior unpad_accumulate adds into dx.
        FakeCudnn.Call data = calls(node, "cudnnConvolutionBackwardData").getFirst();
        assertEquals(0f, scalar(data, BETA));
        RecordingCudaContext.Launch unpad = launches(node, "unpad_accumulate").getFirst();
        Tensor paddedGrad = (Tensor) unpad.arguments().get(0);
        assertEquals(DType.BF16, paddedGrad.dtype());
        assertEquals(node.address(paddedGrad), address(data, RESULT));
        assertEquals(List.of(paddedGrad, node.dx, 2, 3, 5, 5, 6, 6, 0, 1), unpad.arguments());
        assertEquals(node.address((Tensor) pads.get(1).arguments().get(1)),
                address(calls(node, "cudnnConvolutionBackwardFilter").getFirst(), FIRST));
        assertEquals(List.of(), launches(node, "add_channel_bias"));
        node.context.launches().forEach(l -> assertEquals(DType.BF16, l.storage(), l.kernel() + "'s variant"));
        assertEquals(6, node.context.device().liveCount(), "x, y, dx, dy, W, dW; every temporary released");
    }

    @Test
    void bf16GroupedFilterHoldsInputChannelsPerGroup() {
        NodeRun node = run(Precision.BF16, DType.BF16,
                new Conv2d(4, Window2d.square(3, 1, 1), 2, false, Conv2d.TORCHVISION_INIT), Shape.of(2, 6, 5, 5));

        assertEquals(List.of(BF16, NCHW, 4, 3, 3, 3),
                calls(node, "cudnnSetFilter4dDescriptor").getFirst().arguments().subList(1, 7));
        assertEquals(List.of(2, 2, 2),
                calls(node, "cudnnSetConvolutionGroupCount").stream().map(c -> c.arguments().get(1)).toList());
        assertEquals(List.of(node.params.get(0), launches(node, "cast_f32_to_storage").getFirst().arguments().get(1),
                108L, 3, 9), launches(node, "cast_f32_to_storage").getFirst().arguments());
    }

    @Test
    void algorithmsAreChosenPerLayout() {
        ConvolutionAlgorithms algorithms = ConvolutionAlgorithms.inMemory(RecordingCudaContext.PLATFORM);
        for (ActivationLayout layout : List.of(ActivationLayout.NCHW, ActivationLayout.NHWC, ActivationLayout.NHWC)) {
            RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, layout, algorithms);
            new NodeRun(context, new Conv2dKernel(context), Conv2d.of(4, 3, 1, 1), Shape.of(2, 3, 6, 6), DType.BF16)
                    .run(RunContext.training(1, 1));
        }
        assertEquals(6, algorithms.searches(), "three directions searched per layout, recalled the second time");
    }

    @Test
    void algorithmsAreChosenPerDataType() {
        ConvolutionAlgorithms algorithms = ConvolutionAlgorithms.inMemory(RecordingCudaContext.PLATFORM);
        // tf32 and bf16 want the same math type (tensor cores); only the data type tells their algorithms apart.
        for (var precisionAndType : List.of(List.of(Precision.TF32, DType.F32), List.of(Precision.BF16, DType.BF16))) {
            RecordingCudaContext context = new RecordingCudaContext((Precision) precisionAndType.get(0), algorithms);
            new NodeRun(context, new Conv2dKernel(context), Conv2d.of(4, 3, 1, 1), Shape.of(2, 3, 6, 6),
                    (DType) precisionAndType.get(1)).run(RunContext.training(1, 1));
        }
        assertEquals(6, algorithms.searches(), "three directions searched for each data type");
    }

    @Test
    void fp32ConvolutionStaysOnFloatDescriptorsTheMasterWeightAndCudnnBias() {
        NodeRun node = run(Precision.FP32, DType.F32, Conv2d.of(4, 3, 1, 1), Shape.of(2, 3, 6, 6));

        assertEquals(List.of(List.of(NCHW, FLOAT, 2, 3, 6, 6), List.of(NCHW, FLOAT, 2, 4, 6, 6),
                List.of(NCHW, FLOAT, 1, 4, 1, 1)), calls(node, "cudnnSetTensor4dDescriptor").stream()
                .map(c -> c.arguments().subList(1, 7)).toList());
        assertEquals(node.address(node.params.get(0)),
                address(calls(node, "cudnnConvolutionForward").getFirst(), SECOND));
        FakeCudnn.Call filter = calls(node, "cudnnConvolutionBackwardFilter").getFirst();
        assertEquals(1f, scalar(filter, BETA));
        assertEquals(node.address(node.paramGrads.get(0)), address(filter, RESULT));
        assertEquals(1, calls(node, "cudnnAddTensor").size());
        assertEquals(1, calls(node, "cudnnConvolutionBackwardBias").size());
        assertEquals(List.of(), node.context.launches(), "no cast, no accumulation, no NVRTC bias");
    }

    private static List<FakeCudnn.Call> calls(NodeRun node, String symbol) {
        return node.context.cudnnCalls().stream().filter(c -> c.symbol().equals(symbol)).toList();
    }

    private static List<RecordingCudaContext.Launch> launches(NodeRun node, String kernel) {
        return node.context.launches().stream().filter(l -> l.kernel().equals(kernel)).toList();
    }

    private static long address(FakeCudnn.Call call, int position) {
        return ((MemorySegment) call.arguments().get(position)).address();
    }

    /** A host float cuDNN reads (alpha, beta). */
    private static float scalar(FakeCudnn.Call call, int position) {
        return ((MemorySegment) call.arguments().get(position)).reinterpret(4).get(JAVA_FLOAT, 0);
    }
}
