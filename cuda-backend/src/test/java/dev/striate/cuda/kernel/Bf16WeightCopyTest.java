package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Op;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cast once per step: in bf16 work a convolution's or linear layer's prepared plan owns one bf16 copy of its weight,
 * allocated when the node is prepared and released when the plan closes; each forward casts the weight into it, and
 * backward reads the copy this step's forward made, with no cast and no weight temporary of its own. Two steps run on
 * one plan, so a copy made per call (a new address each time) or a cast left in backward shows.
 */
class Bf16WeightCopyTest {
    /** cudnnConvolution{Forward,BackwardData}(handle, alpha, aDesc, a, bDesc, b, ...): the positions of a and b. */
    private static final int FIRST = 3;
    private static final int SECOND = 5;
    /** cublasGemmEx(transA, transB, m, n, k, alpha, A, ...): the position of A, where the weight goes. */
    private static final int GEMM_A = 6;
    private static final Shape INPUT = Shape.of(2, 3, 6, 6);
    private static final Shape CONV_WEIGHT = Shape.of(4, 3, 3, 3);

    /** One node's tensors on a recording device, its kernel prepared once for every step. */
    private static final class Node {
        final RecordingCudaContext context;
        final Kernel<Op> kernel;
        final Op op;
        final Tensor x;
        final Tensor weight;
        final Tensor y;
        final Tensor dx;
        final Tensor dy;
        final int liveBeforePrepare;
        final Object prepared;

        @SuppressWarnings("unchecked")
        Node(RecordingCudaContext context, Kernel<? extends Op> kernel, Op op, Shape input, Shape weightShape,
             DType activations) {
            this.context = context;
            this.kernel = (Kernel<Op>) kernel;
            this.op = op;
            FakeDevice device = context.device();
            Shape output = op.outputShape(List.of(input));
            x = device.allocate(input, activations);
            weight = device.allocate(weightShape, DType.F32);
            y = device.allocate(output, activations);
            dx = device.allocate(input, activations);
            dy = device.allocate(output, activations);
            liveBeforePrepare = device.liveCount();
            prepared = this.kernel.prepare(op, new NodeSignature("node", List.of(input), List.of(activations),
                    List.of(weightShape), output, activations));
        }

        /** The tensor the last allocation made. */
        Tensor lastAllocated() {
            return context.device().allocated().getLast();
        }

        /** One step: forward, then backward wanting dx only (no dw, so no weight-shaped dw temporary either). */
        void step() {
            Object saved = kernel.forward(op, new ForwardCall(List.of(x), List.of(weight), y,
                    RunContext.training(1, 1), 1, prepared));
            List<Tensor> noWeightGradient = new ArrayList<>();
            noWeightGradient.add(null);
            kernel.backward(op, new BackwardCall(List.of(x), List.of(weight), y, dy, List.of(dx), noWeightGradient,
                    RunContext.training(1, 1), 1, saved, prepared));
        }

        void close() throws Exception {
            ((AutoCloseable) prepared).close();
        }

        long address(Tensor tensor) {
            return context.device().address(tensor);
        }

        List<RecordingCudaContext.Launch> castsFrom(int launch) {
            List<RecordingCudaContext.Launch> launches = context.launches();
            return launches.subList(launch, launches.size()).stream()
                    .filter(l -> l.kernel().equals("cast_f32_to_storage")).toList();
        }

        /** The tensors allocated since {@code count} had been, of the weight's shape. */
        List<Tensor> weightShapedSince(int count) {
            List<Tensor> allocated = context.device().allocated();
            return allocated.subList(count, allocated.size()).stream()
                    .filter(t -> t.shape().equals(weight.shape())).toList();
        }
    }

    static Stream<Arguments> convolutions() {
        Window2d symmetric = Window2d.square(3, 1, 1);
        // padding top 0, bottom 1, left 1, right 0: cuDNN then runs on an explicitly padded copy of x.
        Window2d asymmetric = new Window2d(3, 3, 1, 1, 0, 1, 1, 0, 1, 1);
        return Stream.of(Arguments.of(ActivationLayout.NCHW, symmetric), Arguments.of(ActivationLayout.NHWC, symmetric),
                Arguments.of(ActivationLayout.NCHW, asymmetric), Arguments.of(ActivationLayout.NHWC, asymmetric));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("convolutions")
    void convolutionBackwardDataReadsTheCopyForwardCast(ActivationLayout layout, Window2d window) throws Exception {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, layout);
        Node node = new Node(context, new Conv2dKernel(context),
                new Conv2d(4, window, 1, false, Conv2d.TORCHVISION_INIT), INPUT, CONV_WEIGHT, DType.BF16);
        assertEquals(node.liveBeforePrepare + 1, context.device().liveCount(), "the plan holds one copy");
        Tensor copy = node.lastAllocated();
        assertEquals(CONV_WEIGHT, copy.shape());
        assertEquals(DType.BF16, copy.dtype());

        for (int step = 1; step <= 2; step++) {
            int launches = context.launches().size();
            int cudnnCalls = context.cudnnCalls().size();
            int allocated = context.device().allocated().size();
            node.step();
            // The cast: [4, 3, 3, 3] read as [4, C 3, S 9], into the plan's copy, the same tensor every step.
            List<RecordingCudaContext.Launch> casts = node.castsFrom(launches);
            assertEquals(1, casts.size(), "step " + step + ": one cast, by forward");
            assertEquals(List.of(node.weight, copy, 108L, 3, 9), casts.getFirst().arguments(), "step " + step);
            List<FakeCudnn.Call> calls = context.cudnnCalls().subList(cudnnCalls, context.cudnnCalls().size());
            assertEquals(node.address(copy), address(only(calls, "cudnnConvolutionForward"), SECOND),
                    "step " + step + ": forward reads the copy");
            assertEquals(node.address(copy), address(only(calls, "cudnnConvolutionBackwardData"), FIRST),
                    "step " + step + ": backward data reads the copy forward cast");
            assertEquals(List.of(), node.weightShapedSince(allocated), "step " + step + ": no weight temporary");
        }
        assertEquals(node.liveBeforePrepare + 1, context.device().liveCount(), "steps release what they take");
        node.close();
        assertEquals(node.liveBeforePrepare, context.device().liveCount(), "closing the plan releases the copy");
    }

    @Test
    void linearInputGradientReadsTheCopyForwardCast() throws Exception {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
        RecordingCublas cublas = new RecordingCublas();
        Shape weightShape = Shape.of(2, 4);
        Node node = new Node(context, new LinearKernel(context, cublas),
                new Linear(2, false, Initializer.KaimingUniform.PYTORCH_DEFAULT, null), Shape.of(3, 4), weightShape,
                DType.BF16);
        assertEquals(node.liveBeforePrepare + 1, context.device().liveCount(), "the plan holds one copy");
        Tensor copy = node.lastAllocated();
        assertEquals(weightShape, copy.shape());
        assertEquals(DType.BF16, copy.dtype());

        for (int step = 1; step <= 2; step++) {
            int launches = context.launches().size();
            int gemms = cublas.calls().size();
            int allocated = context.device().allocated().size();
            node.step();
            List<RecordingCudaContext.Launch> casts = node.castsFrom(launches);
            assertEquals(1, casts.size(), "step " + step + ": one cast, by forward");
            assertEquals(List.of(node.weight, copy, 8L, 1, 1), casts.getFirst().arguments(), "step " + step);
            // y = x·Wᵀ, then dx = dy·W: both GEMMs take the copy as A.
            List<RecordingCublas.Call> calls = cublas.calls().subList(gemms, cublas.calls().size());
            assertEquals(2, calls.size(), calls.toString());
            for (RecordingCublas.Call call : calls) {
                assertEquals(copy, call.arguments().get(GEMM_A), "step " + step + ": " + call);
            }
            assertEquals(List.of(), node.weightShapedSince(allocated), "step " + step + ": no weight temporary");
        }
        node.close();
        assertEquals(node.liveBeforePrepare, context.device().liveCount(), "closing the plan releases the copy");
    }

    @Test
    void floatWorkHasNoCopyAndCastsNothing() throws Exception {
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        Node conv = new Node(context, new Conv2dKernel(context), Conv2d.of(4, 3, 1, 1).withBias(false), INPUT,
                CONV_WEIGHT, DType.F32);
        assertEquals(conv.liveBeforePrepare, context.device().liveCount(), "no copy in float work");
        conv.step();
        assertEquals(conv.address(conv.weight),
                address(only(context.cudnnCalls(), "cudnnConvolutionBackwardData"), FIRST), "the float weight");
        conv.close();

        RecordingCublas cublas = new RecordingCublas();
        Node linear = new Node(context, new LinearKernel(context, cublas),
                new Linear(2, false, Initializer.KaimingUniform.PYTORCH_DEFAULT, null), Shape.of(3, 4),
                Shape.of(2, 4), DType.F32);
        assertNull(linear.prepared, "no copy in float work");
        linear.step();
        cublas.calls().forEach(call -> assertEquals(linear.weight, call.arguments().get(GEMM_A), call.toString()));
        assertEquals(List.of(), conv.castsFrom(0));
    }

    private static FakeCudnn.Call only(List<FakeCudnn.Call> calls, String symbol) {
        List<FakeCudnn.Call> matching = calls.stream().filter(c -> c.symbol().equals(symbol)).toList();
        assertEquals(1, matching.size(), symbol);
        return matching.getFirst();
    }

    private static long address(FakeCudnn.Call call, int position) {
        return ((MemorySegment) call.arguments().get(position)).address();
    }
}
