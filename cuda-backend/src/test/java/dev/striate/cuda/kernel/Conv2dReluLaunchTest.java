package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fused convolution + ReLU's launches and cuDNN calls, hand-listed for fp32 and for bf16 in both layouts, with and
 * without bias: forward is one cuDNN convolution and one {@code add_channel_bias_relu} pass over y (no
 * {@code cudnnAddTensor}, no {@code add_channel_bias}, no activation call or ReLU launch); backward masks dy by y > 0
 * into a temporary, written whole ({@code relu_backward}, accumulate 0), which every gradient pass then reads instead
 * of dy, and which is released. Each launch is also checked against its kernel's C signature and each cuDNN
 * descriptor against its tensor ({@link NodeRun}).
 */
class Conv2dReluLaunchTest {
    /** x [2, 3, 6, 6], 4 filters 3×3, padding 1: y [2, 4, 6, 6], 288 elements. */
    private static final Shape INPUT = Shape.of(2, 3, 6, 6);

    static Stream<Arguments> work() {
        List<Arguments> all = new ArrayList<>();
        for (Work work : Work.values()) {
            all.add(Arguments.of(work, true));
            all.add(Arguments.of(work, false));
        }
        return all.stream();
    }

    private static NodeRun run(Work work, boolean bias, boolean freshDx) {
        RecordingCudaContext context = new RecordingCudaContext(work.precision(), work.layout());
        NodeRun node = new NodeRun(context, new Conv2dReluKernel(context),
                new Conv2dRelu(Conv2d.of(4, 3, 1, 1).withBias(bias)), INPUT, work.activations());
        node.run(RunContext.training(1, 1), freshDx);
        return node;
    }

    @ParameterizedTest(name = "{0}, bias {1}")
    @MethodSource("work")
    void oneConvolutionThenOneBiasAndClampPass(Work work, boolean bias) {
        NodeRun node = run(work, bias, false);
        RecordingCudaContext.Launch pass = only(node, "add_channel_bias_relu");
        assertEquals(List.of(bias ? node.params.get(1) : 0L, node.y, 2, 4, 36), pass.arguments());
        assertEquals(2, pass.blocks(), "288 elements, 256 per block");
        assertEquals(work.activations(), pass.storage());
        assertEquals(work.layout(), pass.layout());

        List<String> expected = new ArrayList<>();
        if (work.precision() == Precision.BF16) {
            // The weight cast into the plan's bf16 copy for the forward convolution, as Conv2dKernel casts it.
            expected.add("cast_f32_to_storage");
        }
        expected.addAll(List.of("add_channel_bias_relu", "relu_backward"));
        if (work.precision() == Precision.BF16) {
            // Backward data reads forward's copy (no cast); dw's bf16 temporary is added into the float dw, then db
            // from the masked dy.
            expected.add("accumulate_storage_into_f32");
            if (bias) {
                expected.addAll(List.of("channel_sum_partials", "channel_bias_gradient"));
            }
        }
        assertEquals(expected, node.context.launches().stream().map(RecordingCudaContext.Launch::kernel).toList());

        List<String> computed = new ArrayList<>(List.of("cudnnConvolutionForward", "cudnnConvolutionBackwardData",
                "cudnnConvolutionBackwardFilter"));
        if (bias && work.precision() != Precision.BF16) {
            computed.add("cudnnConvolutionBackwardBias");
        }
        assertEquals(computed, node.context.cudnnCalls().stream().map(FakeCudnn.Call::symbol)
                .filter(Conv2dReluLaunchTest::computes).toList(), "no cudnnAddTensor, no activation call");
    }

    @ParameterizedTest(name = "{0}, bias {1}")
    @MethodSource("work")
    void backwardReadsDyMaskedByTheOutputFromATemporary(Work work, boolean bias) {
        NodeRun node = run(work, bias, false);
        RecordingCudaContext.Launch mask = only(node, "relu_backward");
        Tensor masked = (Tensor) mask.arguments().get(2);
        assertEquals(Arrays.asList(node.y, node.dy, masked, 288L, 0), mask.arguments(),
                "(y, dy, masked, n, accumulate 0): the temporary is written whole");
        assertNotSame(node.dy, masked);
        assertEquals(node.dy.shape(), masked.shape());
        assertEquals(work.activations(), masked.dtype());
        assertFalse(node.context.device().isLive(masked), "the masked gradient is released");

        long address = node.address(masked);
        // cudnnConvolutionBackwardData(handle, alpha, wDesc, w, dyDesc, dy, ...), BackwardFilter(..., xDesc, x,
        // dyDesc, dy, ...), BackwardBias(handle, alpha, dyDesc, dy, ...).
        assertEquals(address, cudnnArgument(node, "cudnnConvolutionBackwardData", 5));
        assertEquals(address, cudnnArgument(node, "cudnnConvolutionBackwardFilter", 5));
        if (bias && work.precision() == Precision.BF16) {
            assertEquals(masked, only(node, "channel_sum_partials").arguments().getFirst());
        } else if (bias) {
            assertEquals(address, cudnnArgument(node, "cudnnConvolutionBackwardBias", 3));
        }
    }

    /** cuDNN's backward data writes a fresh dx with beta 0 (argument 10; dx is argument 12), else adds (beta 1). */
    @ParameterizedTest(name = "{0}, bias {1}")
    @MethodSource("work")
    void aFreshDxIsWrittenWithBetaZero(Work work, boolean bias) {
        for (boolean fresh : new boolean[] {true, false}) {
            NodeRun node = run(work, bias, fresh);
            FakeCudnn.Call call = node.context.cudnnCalls().stream()
                    .filter(c -> c.symbol().equals("cudnnConvolutionBackwardData")).findFirst().orElseThrow();
            assertEquals(node.address(node.dx), ((MemorySegment) call.arguments().get(12)).address(), "dx");
            assertEquals(fresh ? 0f : 1f, ((MemorySegment) call.arguments().get(10)).get(ValueLayout.JAVA_FLOAT, 0),
                    "fresh " + fresh);
        }
        assertTrue(new Conv2dReluKernel(new RecordingCudaContext(work.precision(), work.layout()))
                .writesFreshInputGradient(new Conv2dRelu(Conv2d.of(4, 3, 1, 1)), 0));
    }

    /**
     * Padding that differs between sides (top 0, bottom 1, left 2, right 1) takes Conv2dKernel's padded path: x padded
     * for the forward convolution and for dw, the fresh dx cleared, and backward data's padded gradient, computed from
     * the masked dy, added into it.
     */
    @Test
    void asymmetricPaddingTakesThePaddedPathWithTheMaskedGradient() {
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        Conv2d conv = new Conv2d(4, new Window2d(3, 3, 1, 1, 0, 1, 2, 1, 1, 1), 1, true, Conv2d.TORCHVISION_INIT);
        NodeRun node = new NodeRun(context, new Conv2dReluKernel(context), new Conv2dRelu(conv), INPUT, DType.F32);
        node.run(RunContext.training(1, 1), true);
        assertEquals(List.of("pad_input", "add_channel_bias_relu", "relu_backward", "fill_act", "unpad_accumulate",
                "pad_input"), context.launches().stream().map(RecordingCudaContext.Launch::kernel).toList());
        assertEquals(node.dx, only(node, "fill_act").arguments().getFirst(), "the fresh dx is cleared first");
        Tensor masked = (Tensor) only(node, "relu_backward").arguments().get(2);
        assertEquals(node.address(masked), cudnnArgument(node, "cudnnConvolutionBackwardData", 5));
        assertEquals(node.dx, only(node, "unpad_accumulate").arguments().get(1));
    }

    /** With no gradient wanted (a frozen layer's input and parameters), backward launches and allocates nothing. */
    @Test
    void backwardWithNoGradientWantedDoesNothing() {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC);
        Conv2dReluKernel kernel = new Conv2dReluKernel(context);
        Conv2dRelu op = new Conv2dRelu(Conv2d.of(4, 3, 1, 1));
        FakeDevice device = context.device();
        Shape output = op.outputShape(List.of(INPUT));
        Tensor x = device.allocate(INPUT, DType.BF16);
        Tensor y = device.allocate(output, DType.BF16);
        Tensor dy = device.allocate(output, DType.BF16);
        List<Tensor> params = List.of(device.allocate(Shape.of(4, 3, 3, 3), DType.F32),
                device.allocate(Shape.of(4), DType.F32));
        Object prepared = kernel.prepare(op, new NodeSignature("node", List.of(INPUT), List.of(DType.BF16),
                List.of(Shape.of(4, 3, 3, 3), Shape.of(4)), output, DType.BF16));
        kernel.forward(op, new ForwardCall(List.of(x), params, y, RunContext.training(1, 1), 1, prepared));
        int launches = context.launches().size();
        int calls = context.cudnnCalls().size();
        int allocated = device.allocated().size();

        kernel.backward(op, new BackwardCall(List.of(x), params, y, dy, Arrays.asList((Tensor) null),
                Arrays.asList(null, null), RunContext.training(1, 1), 1, null, prepared));
        assertEquals(launches, context.launches().size());
        assertEquals(calls, context.cudnnCalls().size());
        assertEquals(allocated, device.allocated().size());
        ((ConvolutionPasses.Plan) prepared).close();
    }

    /** Whether a cuDNN call computes something (not a descriptor's, handle's or algorithm search's bookkeeping). */
    private static boolean computes(String symbol) {
        return Stream.of("cudnnCreate", "cudnnDestroy", "cudnnSet", "cudnnGet", "cudnnFind")
                .noneMatch(symbol::startsWith);
    }

    private static long cudnnArgument(NodeRun node, String symbol, int position) {
        List<FakeCudnn.Call> calls = node.context.cudnnCalls().stream().filter(c -> c.symbol().equals(symbol))
                .toList();
        assertEquals(1, calls.size(), symbol);
        return ((MemorySegment) calls.getFirst().arguments().get(position)).address();
    }

    private static RecordingCudaContext.Launch only(NodeRun node, String kernel) {
        List<RecordingCudaContext.Launch> found = node.context.launches().stream()
                .filter(l -> l.kernel().equals(kernel)).toList();
        assertEquals(1, found.size(), kernel + " in " + node.context.launches());
        return found.getFirst();
    }
}
