package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Elu;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.Tanh;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The activation and log-softmax kernel classes choose cuDNN or their own kernels by the node's stored type, never by
 * the precision alone: an F32 node makes the cuDNN calls it always made (in fp32 work and in bf16 work alike), a BF16
 * node makes none and launches its {@code activation.cu}, {@code elementwise.cu} or {@code loss.cu} kernels in the
 * bf16 variant. One node of [2, 3] is prepared, run forward and backward, and its preparation closed ({@link NodeRun}:
 * every launch matches its kernel's signature in its variant, every descriptor is destroyed).
 */
class StorageTypeChoiceTest {
    private static final Shape SHAPE = Shape.of(2, 3);
    private static final List<String> ACTIVATION_SETUP = List.of("cudnnCreateActivationDescriptor",
            "cudnnSetActivationDescriptor", "cudnnCreateTensorDescriptor", "cudnnSetTensor4dDescriptor");
    private static final List<String> ACTIVATION_TEARDOWN = List.of("cudnnDestroyTensorDescriptor",
            "cudnnDestroyActivationDescriptor");

    private record Recorded(List<String> cudnnSymbols, List<String> launches) {
    }

    /** The cuDNN calls of each op's F32 node, as before bf16 work existed; then its launches (F32 variant). */
    private static final Map<Op, Recorded> F32 = Map.of(
            new Relu(), fromOutput("relu_backward"),
            new Relu6(), fromOutput("relu6_backward"),
            new Sigmoid(), fromOutput("sigmoid_backward"),
            new Tanh(), fromOutput("tanh_backward"),
            new Elu(0.5), new Recorded(concat(ACTIVATION_SETUP, List.of("cudnnActivationForward",
                    "cudnnActivationBackward"), ACTIVATION_TEARDOWN), List.of()),
            new LogSoftmax(), new Recorded(List.of("cudnnCreateTensorDescriptor", "cudnnSetTensor4dDescriptor",
                    "cudnnSoftmaxForward", "cudnnSoftmaxBackward", "cudnnDestroyTensorDescriptor"), List.of()));

    /** The launches of each op's BF16 node (source/kernel), all in the bf16 variant, with no cuDNN call. */
    private static final Map<Op, List<String>> BF16 = Map.of(
            new Relu(), List.of("activation/relu_forward", "elementwise/relu_backward"),
            new Relu6(), List.of("activation/relu6_forward", "elementwise/relu6_backward"),
            new Sigmoid(), List.of("activation/sigmoid_forward", "elementwise/sigmoid_backward"),
            new Tanh(), List.of("activation/tanh_forward", "elementwise/tanh_backward"),
            new Elu(0.5), List.of("activation/elu_forward", "activation/elu_backward"),
            new LogSoftmax(), List.of("loss/log_softmax_forward", "loss/log_softmax_backward"));

    private static Recorded fromOutput(String backwardKernel) {
        return new Recorded(concat(ACTIVATION_SETUP, List.of("cudnnActivationForward"), ACTIVATION_TEARDOWN),
                List.of("elementwise/" + backwardKernel));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Arrays.stream(parts).flatMap(List::stream).toList();
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "BF16"})
    void anF32NodeMakesTheCudnnCallsItAlwaysMade(Precision precision) {
        F32.forEach((op, expected) -> {
            RecordingCudaContext context = new RecordingCudaContext(precision);
            run(context, op, DType.F32);
            assertEquals(expected.cudnnSymbols(), context.cudnnCalls().stream().map(FakeCudnn.Call::symbol).toList(),
                    op + " in " + precision + " work");
            assertEquals(expected.launches(), launches(context, DType.F32), op + " in " + precision + " work");
            assertEquals(Map.of(), context.cudnnFake().liveDescriptorsByKind(), op + ": descriptors destroyed");
        });
    }

    @Test
    void aBf16NodeRunsItsOwnKernelsInTheBf16Variant() {
        BF16.forEach((op, expected) -> {
            RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
            run(context, op, DType.BF16);
            assertEquals(List.of(), context.cudnnCalls(), op + " calls cuDNN");
            assertEquals(expected, launches(context, DType.BF16), op.toString());
        });
    }

    @Test
    void mixedTypesAreRefusedByName() {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
        NodeSignature mixed = new NodeSignature("act1", List.of(SHAPE), List.of(DType.F32), List.of(), SHAPE,
                DType.BF16);
        for (Op op : List.of(new Relu(), new LogSoftmax())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Bf16Node.cudaKernel(context, op).prepare(op, mixed));
            assertTrue(e.getMessage().contains("act1") && e.getMessage().contains("F32 and BF16"), e.getMessage());
        }
    }

    /** Each launch as source/kernel, every one in {@code storage}'s variant. */
    private static List<String> launches(RecordingCudaContext context, DType storage) {
        return context.launches().stream().map(launch -> {
            assertEquals(storage, launch.storage(), launch.kernel());
            return launch.source() + "/" + launch.kernel();
        }).toList();
    }

    /** The node prepared, run forward and backward, closed; every launch checked against its kernel's signature. */
    private static void run(RecordingCudaContext context, Op op, DType type) {
        new NodeRun(context, Bf16Node.cudaKernel(context, op), op, SHAPE, type).run(RunContext.evaluation());
    }
}
