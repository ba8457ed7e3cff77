package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.AdaptiveAvgPool2d;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Elu;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.LeakyRelu;
import dev.striate.core.op.Linear;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.Tanh;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.CudaContext;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernels that write a gradient whole when it is handed over fresh ({@code BackwardCall.fresh}) give cuDNN beta 0
 * and their NVRTC kernels {@code accumulate} 0 for it, and beta 1 / accumulate 1 otherwise; an input taken twice is
 * never fresh. What the kernels then compute is checked by the host emulation of the gradient-check cases.
 */
class FreshGradientCallsTest {
    private static final Shape SHAPE = Shape.of(2, 3, 2, 2);

    @ParameterizedTest(name = "fresh {0}")
    @ValueSource(booleans = {true, false})
    void cudnnActivationBackwardScalesDxByBetaZeroOnlyWhenFresh(boolean fresh) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        NodeRun node = new NodeRun(context, new EluKernel(context), new Elu(1.0), SHAPE, DType.F32);
        node.run(RunContext.training(1, 1), fresh);
        assertBeta(node, "cudnnActivationBackward", 9, 11, fresh);
    }

    @ParameterizedTest(name = "fresh {0}")
    @ValueSource(booleans = {true, false})
    void cudnnLogSoftmaxBackwardScalesDxByBetaZeroOnlyWhenFresh(boolean fresh) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        NodeRun node = new NodeRun(context, new LogSoftmaxKernel(context), new LogSoftmax(), Shape.of(2, 5),
                DType.F32);
        node.run(RunContext.training(1, 1), fresh);
        assertBeta(node, "cudnnSoftmaxBackward", 8, 10, fresh);
    }

    private static void assertBeta(NodeRun node, String symbol, int beta, int dx, boolean fresh) {
        FakeCudnn.Call call = node.context.cudnnCalls().stream().filter(c -> c.symbol().equals(symbol)).findFirst()
                .orElseThrow();
        assertEquals(node.address(node.dx), ((MemorySegment) call.arguments().get(dx)).address(), "dx");
        assertEquals(fresh ? 0f : 1f, ((MemorySegment) call.arguments().get(beta)).get(ValueLayout.JAVA_FLOAT, 0),
                symbol + "'s beta");
    }

    /** The input-gradient GEMM (the second cuBLAS call: forward, dx, dW) has beta 0 exactly when dx is fresh. */
    @ParameterizedTest(name = "fresh {0}")
    @ValueSource(booleans = {true, false})
    void linearsInputGradientGemmHasBetaZeroOnlyWhenFresh(boolean fresh) {
        for (Precision precision : List.of(Precision.FP32, Precision.BF16)) {
            RecordingCudaContext context = new RecordingCudaContext(precision);
            RecordingCublas cublas = new RecordingCublas();
            NodeRun node = new NodeRun(context, new LinearKernel(context, cublas),
                    new Linear(2, true, Initializer.KaimingUniform.PYTORCH_DEFAULT, null), Shape.of(3, 4),
                    precision == Precision.BF16 ? DType.BF16 : DType.F32);
            node.run(RunContext.training(1, 1), fresh);
            List<Object> dxGemm = cublas.calls().get(1).arguments();
            int beta = dxGemm.size() - (precision == Precision.BF16 ? 6 : 3);
            assertSame(node.dx, dxGemm.get(beta + 1), "C of the second GEMM is dx");
            assertEquals(fresh ? 0f : 1f, dxGemm.get(beta), precision + " dx GEMM's beta");
            assertEquals(1f, cublas.calls().get(2).arguments().get(beta), "dW always accumulates");
        }
    }

    /** fp32 training: cuDNN's backward writes a fresh dx (beta for dx, argument 3, is 0) and nothing clears it. */
    @ParameterizedTest(name = "fresh {0}")
    @ValueSource(booleans = {true, false})
    void batchNormOnCudnnWritesAFreshDxWithBetaZero(boolean fresh) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        NodeRun node = new NodeRun(context, new BatchNormKernel(context), BatchNorm.standard(), SHAPE, DType.F32);
        node.run(RunContext.training(1, 1), fresh);
        assertBeta(node, "cudnnBatchNormalizationBackward", 3, 11, fresh);
        assertEquals(List.of(), clearsOf(node), "nothing clears dx");
    }

    /** cuDNN's backward data writes a fresh dx with beta 0 (argument 10; dx is argument 12), in every precision. */
    @ParameterizedTest(name = "fresh {0}")
    @ValueSource(booleans = {true, false})
    void convolutionWritesAFreshDxWithBetaZero(boolean fresh) {
        for (Precision precision : List.of(Precision.FP32, Precision.BF16)) {
            RecordingCudaContext context = new RecordingCudaContext(precision);
            DType activations = precision == Precision.BF16 ? DType.BF16 : DType.F32;
            NodeRun node = new NodeRun(context, new Conv2dKernel(context), Conv2d.of(4, 3, 1, 1), SHAPE, activations);
            node.run(RunContext.training(1, 1), fresh);
            assertBeta(node, "cudnnConvolutionBackwardData", 10, 12, fresh);
        }
    }

    /** Flatten of a channels-last input reorders dy into a fresh dx (accumulate 0); of an NCHW one it copies. */
    @ParameterizedTest(name = "fresh {0}")
    @ValueSource(booleans = {true, false})
    void flattenWritesAFreshDxInBothLayouts(boolean fresh) {
        RecordingCudaContext nhwc = new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC);
        NodeRun reordered = new NodeRun(nhwc, new FlattenKernel(nhwc), new Flatten(), SHAPE, DType.BF16);
        reordered.run(RunContext.training(1, 1), fresh);
        RecordingCudaContext.Launch backward = nhwc.launches().stream()
                .filter(l -> l.kernel().equals("flatten_backward")).findFirst().orElseThrow();
        assertEquals(fresh ? 0 : 1, backward.arguments().getLast());

        RecordingCudaContext nchw = new RecordingCudaContext(Precision.BF16);
        NodeRun copied = new NodeRun(nchw, new FlattenKernel(nchw), new Flatten(), SHAPE, DType.BF16);
        copied.run(RunContext.training(1, 1), fresh);
        assertEquals(List.of(fresh ? "copy_act" : "accumulate_act"), nchw.launches().stream()
                .filter(l -> l.arguments().contains(copied.dx)).map(RecordingCudaContext.Launch::kernel).toList());
    }

    /** bf16 training and evaluation mode run on NVRTC kernels: accumulate 0 exactly when dx is fresh, no clearing. */
    @ParameterizedTest(name = "fresh {0}")
    @ValueSource(booleans = {true, false})
    void batchNormsNvrtcPathsWriteAFreshDx(boolean fresh) {
        for (RunContext run : List.of(RunContext.training(1, 1), RunContext.evaluation())) {
            RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
            NodeRun node = new NodeRun(context, new BatchNormKernel(context), BatchNorm.standard(), SHAPE,
                    DType.BF16);
            node.run(run, fresh);
            assertEquals(List.of(), clearsOf(node), "nothing clears dx");
            String kernel = run.training() ? "batch_norm_training_input_gradient" : "batch_norm_running_input_gradient";
            RecordingCudaContext.Launch launch = context.launches().stream().filter(l -> l.kernel().equals(kernel))
                    .findFirst().orElseThrow();
            assertTrue(launch.arguments().contains(node.dx), kernel + " writes dx");
            assertEquals(fresh ? 0 : 1, launch.arguments().getLast(), kernel + "'s accumulate");
        }
    }

    /**
     * The fused batch norms write x's and the residual's gradients in one NVRTC pass, in every precision and both
     * statistics sources: accumulate 0 for each exactly when it is fresh, and nothing clears either.
     */
    @ParameterizedTest(name = "fresh x {0}, fresh residual {1}")
    @CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void fusedBatchNormsWriteFreshInputAndResidualGradients(boolean freshX, boolean freshResidual) {
        for (Precision precision : List.of(Precision.FP32, Precision.BF16)) {
            for (RunContext run : List.of(RunContext.training(1, 1), RunContext.evaluation())) {
                RecordingCudaContext context = new RecordingCudaContext(precision);
                NodeRun node = new NodeRun(context, new BatchNormAddReluKernel(context),
                        new BatchNormAddRelu(BatchNorm.standard()), SHAPE, 2,
                        precision == Precision.BF16 ? DType.BF16 : DType.F32);
                node.run(run, List.of(true, true), List.of(freshX, freshResidual), true);
                String kernel = run.training() ? "batch_norm_training_input_gradient_relu"
                        : "batch_norm_running_input_gradient_relu";
                List<Object> arguments = context.launches().stream().filter(l -> l.kernel().equals(kernel))
                        .findFirst().orElseThrow().arguments();
                assertTrue(arguments.contains(node.dx) && arguments.contains(node.inputGrads.get(1)), kernel);
                assertEquals(List.of(freshX ? 0 : 1, freshResidual ? 0 : 1),
                        arguments.subList(arguments.size() - 2, arguments.size()), precision + " " + kernel);
                assertEquals(List.of(), context.launches().stream().filter(l -> l.kernel().equals("fill_act"))
                        .toList(), "nothing clears a gradient");
            }
        }
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        BatchNormReluKernel relu = new BatchNormReluKernel(context);
        assertTrue(relu.writesFreshInputGradient(BatchNormRelu.relu(BatchNorm.standard()), 0));
        BatchNormAddReluKernel addRelu = new BatchNormAddReluKernel(context);
        for (int position : new int[] {0, 1}) {
            assertTrue(addRelu.writesFreshInputGradient(new BatchNormAddRelu(BatchNorm.standard()), position));
        }
    }

    private static List<RecordingCudaContext.Launch> clearsOf(NodeRun node) {
        return node.context.launches().stream()
                .filter(l -> l.kernel().equals("fill_act") && l.arguments().getFirst() == node.dx).toList();
    }

    static Stream<Arguments> nvrtcBackwards() {
        return Stream.of(
                Arguments.of(new Relu(), (Function<CudaContext, Kernel<?>>) ReluKernel::new, "relu_backward", SHAPE),
                Arguments.of(new Relu6(), (Function<CudaContext, Kernel<?>>) Relu6Kernel::new, "relu6_backward",
                        SHAPE),
                Arguments.of(new Sigmoid(), (Function<CudaContext, Kernel<?>>) SigmoidKernel::new,
                        "sigmoid_backward", SHAPE),
                Arguments.of(new Tanh(), (Function<CudaContext, Kernel<?>>) TanhKernel::new, "tanh_backward", SHAPE),
                Arguments.of(new LeakyRelu(0.1), (Function<CudaContext, Kernel<?>>) LeakyReluKernel::new,
                        "leaky_relu_backward", SHAPE),
                Arguments.of(new Elu(0.5), (Function<CudaContext, Kernel<?>>) EluKernel::new, "elu_backward", SHAPE),
                Arguments.of(new LogSoftmax(), (Function<CudaContext, Kernel<?>>) LogSoftmaxKernel::new,
                        "log_softmax_backward", Shape.of(2, 5)),
                Arguments.of(MaxPool2d.of(2, 2, 0), (Function<CudaContext, Kernel<?>>) MaxPool2dKernel::new,
                        "max_pool2d_backward", SHAPE),
                Arguments.of(AvgPool2d.of(2, 1, 1), (Function<CudaContext, Kernel<?>>) AvgPool2dKernel::new,
                        "avg_pool2d_backward", SHAPE),
                Arguments.of(new AdaptiveAvgPool2d(1, 2), (Function<CudaContext, Kernel<?>>) AdaptiveAvgPool2dKernel::new,
                        "adaptive_avg_pool2d_backward", SHAPE),
                Arguments.of(new GlobalAvgPool(), (Function<CudaContext, Kernel<?>>) GlobalAvgPoolKernel::new,
                        "global_avg_pool_backward", SHAPE),
                Arguments.of(new Dropout(0.5), (Function<CudaContext, Kernel<?>>) DropoutKernel::new,
                        "dropout_backward", SHAPE));
    }

    /** bf16 work runs these on NVRTC kernels: the last argument is accumulate, 0 exactly when dx is fresh. */
    @ParameterizedTest(name = "{2}")
    @MethodSource("nvrtcBackwards")
    void nvrtcBackwardsAccumulateUnlessFresh(Op op, Function<CudaContext, Kernel<?>> make, String backward,
                                             Shape shape) {
        for (boolean fresh : new boolean[] {true, false}) {
            RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
            Kernel<?> kernel = make.apply(context);
            NodeRun node = new NodeRun(context, kernel, op, shape, DType.BF16);
            node.run(RunContext.training(1, 1), fresh);
            RecordingCudaContext.Launch launch = context.launches().stream()
                    .filter(l -> l.kernel().equals(backward)).findFirst().orElseThrow();
            List<Object> arguments = launch.arguments();
            assertTrue(arguments.contains(node.dx), backward + " writes dx");
            assertEquals(fresh ? 0 : 1, arguments.getLast(), backward + "'s accumulate, fresh " + fresh);
        }
    }

    @Test
    void addCopiesIntoFreshGradientsAndAddsIntoAnInputTakenTwice() {
        assertEquals(List.of("copy_act", "copy_act"), backwardLaunches("add", "two inputs"));
        assertEquals(List.of("accumulate_act", "accumulate_act"),
                backwardLaunches("add", "same input twice (fan-out accumulates)"));
    }

    @Test
    void concatCopiesEachFreshInputsChannels() {
        // Forward copies each input's channels into y; backward copies y's slices back into the fresh gradients.
        assertEquals(Collections.nCopies(4, "copy_channels"),
                launchesOf("concat", "two inputs, rank 4", "copy_channels", "accumulate_channels"));
    }

    @Test
    void softmaxCrossEntropyWritesTheLogitsGradientWhenFresh() {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
        GradCheckCase loss = GradCheckSuite.cases().stream().filter(c -> c.op().equals("softmax_cross_entropy"))
                .findFirst().orElseThrow();
        KernelRun run = new KernelRun(context, loss.graph()).writingFreshGradients();
        assertEquals(Set.of("logits"), run.freshGradients());
        run.run(RunContext.training(1, 1));
        List<Object> accumulate = context.launches().stream()
                .filter(l -> l.kernel().equals("softmax_cross_entropy_backward"))
                .map(l -> l.arguments().getLast()).toList();
        // The first backward wants every gradient and hands the logits' over fresh; the second wants none.
        assertEquals(List.of(0), accumulate);
    }

    /** The elementwise kernels the add case's backward launches, in fresh-writing mode. */
    private static List<String> backwardLaunches(String op, String name) {
        return launchesOf(op, name, "copy_act", "accumulate_act");
    }

    /** The launches of the named kernels in a gradient-check case's run, in fresh-writing mode. */
    private static List<String> launchesOf(String op, String name, String... kernels) {
        GradCheckCase add = GradCheckSuite.cases().stream()
                .filter(c -> c.op().equals(op) && c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no gradient-check case " + op + ": " + name));
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        KernelRun run = new KernelRun(context, add.graph()).writingFreshGradients();
        run.run(RunContext.training(1, 1));
        return context.launches().stream().map(RecordingCudaContext.Launch::kernel)
                .filter(List.of(kernels)::contains).toList();
    }
}
