package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA kernels' host code on every case of the gradient-check grid, without a GPU: every NVRTC launch names a
 * kernel that exists in its .cu file and passes arguments of its parameters' count and types (tensors of the pointed-to
 * element type), every cuDNN call matches its declared C signature, backward adds (beta 1) into gradients, and every
 * temporary and every cuDNN descriptor is given back. Once in fp32 and twice in bf16 work (rank-4 activations NCHW,
 * then channels-last, whose launches use the bf16-nhwc variant), where values and gradients are BF16 tensors and a
 * launch's {@code act_t} pointers take BF16: a {@code float} pointer given a BF16 tensor, or an {@code act_t} one given
 * an F32 tensor, fails.
 */
class KernelLaunchTest {
    private static final CudaSignatures SIGNATURES = new CudaSignatures();
    /** cuDNN calls that write gradients: the index of a beta argument and of the tensor it scales. */
    private record Beta(int beta, int result) {
    }

    private static final Map<String, List<Beta>> GRADIENT_BETAS = Map.of(
            "cudnnConvolutionBackwardData", List.of(new Beta(10, 12)),
            "cudnnConvolutionBackwardFilter", List.of(new Beta(10, 12)),
            "cudnnConvolutionBackwardBias", List.of(new Beta(4, 6)),
            "cudnnActivationBackward", List.of(new Beta(9, 11)),
            "cudnnSoftmaxBackward", List.of(new Beta(8, 10)),
            "cudnnBatchNormalizationBackward", List.of(new Beta(3, 11), new Beta(5, 14), new Beta(5, 15)));

    static Stream<GradCheckCase> cases() {
        return GradCheckSuite.cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyLaunchAndCallMatchesItsSignature(GradCheckCase gradCase) {
        checkRun(gradCase, Precision.FP32, ActivationLayout.NCHW, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inBf16EveryLaunchTakesBf16Activations(GradCheckCase gradCase) {
        checkRun(gradCase, Precision.BF16, ActivationLayout.NCHW, false);
    }

    /**
     * With gradients handed to their first writers fresh where the executor would: a cuDNN call may scale a gradient
     * by beta 0 only where it is fresh, and only once (its first writer); every other gradient it adds into
     * ({@link FreshGradientCallsTest} shows the fresh ones do get beta 0).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void freshGradientsAloneAreWrittenWithBetaZero(GradCheckCase gradCase) {
        checkRun(gradCase, Precision.FP32, ActivationLayout.NCHW, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inChannelsLastBf16EveryLaunchMatchesItsSignature(GradCheckCase gradCase) {
        checkRun(gradCase, Precision.BF16, ActivationLayout.NHWC, false);
    }

    private static void checkRun(GradCheckCase gradCase, Precision precision, ActivationLayout layout,
                                 boolean freshWriting) {
        RecordingCudaContext context = new RecordingCudaContext(precision, layout);
        KernelRun run = new KernelRun(context, gradCase.graph());
        if (freshWriting) {
            run.writingFreshGradients();
        }
        Set<Long> fresh = new HashSet<>();
        run.freshGradients().forEach(name -> fresh.add(context.device().address(run.gradient(name))));
        int tensorsBefore = context.device().liveCount();
        run.run(gradCase.training() ? RunContext.training(7, 3) : RunContext.evaluation());

        assertEquals(tensorsBefore, context.device().liveCount(), "every temporary is released");
        assertEquals(Map.of(), context.cudnnFake().liveDescriptorsByKind(), "every cuDNN descriptor is destroyed");
        for (RecordingCudaContext.Launch launch : context.launches()) {
            checkLaunch(launch);
        }
        for (FakeCudnn.Call call : context.cudnnCalls()) {
            for (Beta beta : GRADIENT_BETAS.getOrDefault(call.symbol(), List.of())) {
                long result = ((MemorySegment) call.arguments().get(beta.result())).address();
                if (run.isGradient(result)) {
                    float value = ((MemorySegment) call.arguments().get(beta.beta())).get(ValueLayout.JAVA_FLOAT, 0);
                    if (value == 0f) {
                        // Once per fresh gradient, by its first writer: later writers add.
                        assertTrue(fresh.remove(result), call.symbol() + " writes (beta 0) a gradient that is not"
                                + " fresh, or a fresh one a second time");
                    } else {
                        assertEquals(1f, value, call.symbol() + " must add into the gradient");
                    }
                }
            }
        }
    }

    /** The launch against its kernel's CUDA C signature: argument count and types, act_t as the launch's variant. */
    static void checkLaunch(RecordingCudaContext.Launch launch) {
        String where = launch.source() + ".cu " + launch.kernel();
        List<CudaSignatures.Parameter> parameters = SIGNATURES.parameters(launch.source(), launch.kernel());
        assertNotNull(parameters, where + " does not exist");
        assertEquals(parameters.size(), launch.arguments().size(), where + ": argument count " + launch.arguments());
        assertEquals(Launcher.THREADS, launch.threadsPerBlock(), where);
        assertTrue(launch.blocks() >= 1, where);
        for (int i = 0; i < parameters.size(); i++) {
            CudaSignatures.Parameter parameter = parameters.get(i);
            Object argument = launch.arguments().get(i);
            String what = where + " argument " + i + " (" + parameter.type() + ") got " + argument;
            if (parameter.isPointer()) {
                if (argument instanceof Tensor tensor) {
                    assertEquals(elementType(parameter.baseType(), launch.storage()), tensor.dtype(), what);
                } else {
                    assertEquals(0L, argument, what + ": a pointer is a tensor or null (0L)");
                }
            } else {
                Class<?> expected = switch (parameter.baseType()) {
                    case "int" -> Integer.class;
                    case "long long" -> Long.class;
                    case "float" -> Float.class;
                    case "double" -> Double.class;
                    default -> throw new AssertionError(where + ": unknown parameter type " + parameter.type());
                };
                assertEquals(expected, argument.getClass(), what);
            }
        }
    }

    /** The tensor type a pointer parameter takes; {@code act_t} is the launch's activation storage. */
    private static DType elementType(String cType, DType storage) {
        return switch (cType) {
            case "act_t" -> storage;
            case "float" -> DType.F32;
            case "int" -> DType.I32;
            case "long long" -> DType.I64;
            case "double" -> DType.F64;
            default -> throw new AssertionError("unknown element type " + cType);
        };
    }

    @Test
    void asymmetricPaddingConvolvesAPaddedCopyWithPaddingZero() {
        GradCheckCase asymmetric = GradCheckSuite.cases().stream()
                .filter(c -> c.name().startsWith("asymmetric padding")).findFirst().orElseThrow();
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        new KernelRun(context, asymmetric.graph()).run(RunContext.training(1, 1));

        List<String> kernels = context.launches().stream().map(RecordingCudaContext.Launch::kernel).toList();
        assertTrue(kernels.contains("pad_input") && kernels.contains("unpad_accumulate"), kernels.toString());
        for (FakeCudnn.Call call : context.cudnnCalls()) {
            if (call.symbol().equals("cudnnSetConvolution2dDescriptor")) {
                assertEquals(List.of(0, 0, 1, 1, 1, 1), call.arguments().subList(1, 7), "pad, stride, dilation");
            }
        }
        // Input [2, 3, 5, 6] padded top 0, bottom 1, left 2, right 1: cuDNN sees 2 x 3 x 6 x 9.
        assertTrue(context.cudnnCalls().stream().anyMatch(c -> c.symbol().equals("cudnnSetTensor4dDescriptor")
                && c.arguments().subList(3, 7).equals(List.of(2, 3, 6, 9))));
    }

    @Test
    void concatenationPlacesEachInputAtItsChannelOffset() {
        GradCheckCase twoInputs = GradCheckSuite.cases().stream()
                .filter(c -> c.op().equals("concat") && c.name().equals("two inputs, rank 4")).findFirst()
                .orElseThrow();
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        new KernelRun(context, twoInputs.graph()).run(RunContext.training(1, 1));

        // copy_channels(src, dst, N, srcChannels, dstChannels, S, srcOffset, dstOffset, count): [2,2,3,3] + [2,3,3,3]
        List<List<Object>> copies = context.launches().stream().filter(l -> l.kernel().equals("copy_channels"))
                .map(l -> l.arguments().subList(2, 9)).toList();
        assertEquals(List.of(List.of(2, 2, 5, 9, 0, 0, 2), List.of(2, 3, 5, 9, 0, 2, 3)), copies);
        List<List<Object>> gradients = context.launches().stream()
                .filter(l -> l.kernel().equals("accumulate_channels")).map(l -> l.arguments().subList(2, 9)).toList();
        assertEquals(List.of(List.of(2, 5, 2, 9, 0, 0, 2), List.of(2, 5, 3, 9, 2, 0, 3)), gradients);
    }

    @Test
    void crossEntropyTakesInt32LabelsOnly() {
        GraphBuilder b = new GraphBuilder();
        b.input("logits", Shape.of(2, 3));
        b.input("labels", Shape.of(2), DType.I64);
        b.add("loss", new SoftmaxCrossEntropy(0), "logits", "labels");
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        KernelRun run = new KernelRun(context, b.build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run.run(RunContext.training(1, 1)));
        assertTrue(e.getMessage().contains("I32"), e.getMessage());
    }

    @Test
    void batchNormInTrainingNeedsTwoValuesPerChannel() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(1, 3));
        b.add("bn", BatchNorm.standard(), "x");
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        KernelRun run = new KernelRun(context, b.build());
        UserException e = assertThrows(UserException.class, () -> run.run(RunContext.training(1, 1)));
        assertTrue(e.getMessage().contains("batch size of 2"), e.getMessage());
        assertFalse(context.cudnnCalls().stream()
                .anyMatch(c -> c.symbol().equals("cudnnBatchNormalizationForwardTraining")));
    }

    @Test
    void evaluationBackwardOfBatchNormGoesThroughTheRunningStatistics() {
        GradCheckCase evaluation = GradCheckSuite.cases().stream()
                .filter(c -> c.op().equals("batch_norm") && !c.training()).findFirst().orElseThrow();
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        new KernelRun(context, evaluation.graph()).run(RunContext.evaluation());

        assertTrue(context.cudnnCalls().stream()
                .anyMatch(c -> c.symbol().equals("cudnnBatchNormalizationForwardInference")));
        assertTrue(context.cudnnCalls().stream()
                .noneMatch(c -> c.symbol().equals("cudnnBatchNormalizationBackward")));
        List<String> kernels = context.launches().stream().map(RecordingCudaContext.Launch::kernel).toList();
        for (String kernel : List.of("batch_norm_running_input_gradient", "batch_norm_running_gradient_partials",
                "batch_norm_gradient_finalize")) {
            assertEquals(1, kernels.stream().filter(kernel::equals).count(),
                    kernel + ": once with gradients wanted, never without; " + kernels);
        }
    }
}
