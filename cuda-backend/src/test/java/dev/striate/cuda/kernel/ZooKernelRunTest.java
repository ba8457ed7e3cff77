package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.Fusion;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Linear;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.FrozenParameters;
import dev.striate.cuda.ActivationLayout;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import dev.striate.models.OddOpsSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole zoo models' training graphs (model, labels, cross-entropy loss) through the CUDA kernels' host code on a
 * {@link RecordingCudaContext}, Linear included on checked cuBLAS calls: forward, backward with every gradient,
 * backward with none; in fp32, tf32 and bf16 training, bf16 evaluation mode, and fine-tuning with the backbone
 * frozen; bf16 also channels-last (every cuDNN descriptor then in the layout its tensor lies in). Where the
 * gradient-check grid runs each op alone, here every kernel meets its real neighbours, so a seam
 * shows: a temporary of the wrong type, a float pointer given a bf16 tensor, a cuDNN descriptor whose data type or
 * size is not its tensor's, a GEMM with mismatched matrix types, an elementwise launch over the wrong count, a leaked
 * temporary or descriptor, a gradient overwritten instead of added to. Nothing is computed, so models run at their
 * real depth on small inputs in a fraction of a second each.
 */
class ZooKernelRunTest {
    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("lenet5", 0),
                Arguments.of("resnet18", 32),
                Arguments.of("resnext50_32x4d", 32),
                Arguments.of("mobilenet_v1", 32),
                Arguments.of("mobilenet_v2", 32),
                Arguments.of("vgg11", 32),
                Arguments.of("vgg11_bn", 32),
                Arguments.of("alexnet", 64),
                Arguments.of("googlenet", 64),
                Arguments.of("shufflenet_v2_x0_5", 64),
                Arguments.of("xception", 71),
                Arguments.of("odd_ops", 0));
    }

    /** Every op is run here or, fused as the CUDA backend fuses these models, by {@link FusedZooKernelRunTest}. */
    @Test
    void theModelsTogetherUseEveryOp() {
        Set<Class<?>> used = models().map(a -> trainingGraph((String) a.get()[0], (int) a.get()[1]))
                .flatMap(graph -> Stream.concat(graph.nodes().stream(),
                        Fusion.fuse(graph, Set.of(ClassifierGraphs.LOSS)).nodes().stream()))
                .map(node -> node.op().getClass()).collect(Collectors.toSet());
        used.add(LogSoftmax.class); // in the prediction graphs ZooExecutorRunTest runs
        assertEquals(Set.of(Op.class.getPermittedSubclasses()), used);
    }

    @ParameterizedTest(name = "{0} at {1} in fp32")
    @MethodSource("models")
    void fp32TrainingStep(String model, int size) {
        checkRun(model, size, Precision.FP32, RunContext.training(7, 3));
    }

    @ParameterizedTest(name = "{0} at {1} in tf32")
    @MethodSource("models")
    void tf32TrainingStep(String model, int size) {
        checkRun(model, size, Precision.TF32, RunContext.training(7, 3));
    }

    @ParameterizedTest(name = "{0} at {1} in bf16")
    @MethodSource("models")
    void bf16TrainingStep(String model, int size) {
        checkRun(model, size, Precision.BF16, RunContext.training(7, 3));
    }

    @ParameterizedTest(name = "{0} at {1} in bf16, evaluation mode")
    @MethodSource("models")
    void bf16EvaluationMode(String model, int size) {
        checkRun(model, size, Precision.BF16, RunContext.evaluation());
    }

    @ParameterizedTest(name = "{0} at {1} in bf16, channels-last")
    @MethodSource("models")
    void bf16ChannelsLastTrainingStep(String model, int size) {
        checkRun(trainingGraph(model, size), new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC),
                RunContext.training(7, 3));
    }

    @ParameterizedTest(name = "{0} at {1} in bf16, channels-last, evaluation mode")
    @MethodSource("models")
    void bf16ChannelsLastEvaluationMode(String model, int size) {
        checkRun(trainingGraph(model, size), new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC),
                RunContext.evaluation());
    }

    @ParameterizedTest(name = "{0} at {1} in fp32, backbone frozen")
    @MethodSource("models")
    void fp32FineTuningStep(String model, int size) {
        checkFineTuning(model, size, Precision.FP32);
    }

    @ParameterizedTest(name = "{0} at {1} in bf16, backbone frozen")
    @MethodSource("models")
    void bf16FineTuningStep(String model, int size) {
        checkFineTuning(model, size, Precision.BF16);
    }

    @ParameterizedTest(name = "{0} at {1} in bf16, channels-last, backbone frozen")
    @MethodSource("models")
    void bf16ChannelsLastFineTuningStep(String model, int size) {
        checkFineTuning(model, size, new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC));
    }

    /**
     * As {@code --freeze backbone} trains: batch norms frozen whole (running statistics in training, no parameter
     * gradients), so their backward wants dx alone and goes through the running statistics.
     */
    private static void checkFineTuning(String model, int size, Precision precision) {
        checkFineTuning(model, size, new RecordingCudaContext(precision));
    }

    private static void checkFineTuning(String model, int size, RecordingCudaContext context) {
        Graph graph = modelGraph(model, size);
        Graph frozen = FrozenParameters.apply(graph, FrozenParameters.resolve(graph,
                List.of(FrozenParameters.BACKBONE)));
        checkRun(ClassifierGraphs.training(frozen, 0), context, RunContext.training(7, 3));
        boolean batchNorms = graph.nodes().stream().anyMatch(n -> n.op() instanceof BatchNorm);
        assertEquals(batchNorms, context.launches().stream()
                .anyMatch(l -> l.kernel().equals("batch_norm_running_input_gradient")), "frozen batch norms' backward");
    }

    private static void checkRun(String model, int size, Precision precision, RunContext mode) {
        checkRun(trainingGraph(model, size), new RecordingCudaContext(precision), mode);
    }

    private static void checkRun(Graph graph, RecordingCudaContext context, RunContext mode) {
        CheckedCublas cublas = new CheckedCublas(context.device(), activations(context));
        KernelRun run = runChecked(graph, context, cublas, mode);
        long linears = graph.nodes().stream().map(Node::op).filter(Linear.class::isInstance).count();
        // Per Linear: y in forward; dx and dW in the backward that wants gradients; none in the one that wants none.
        assertEquals(3 * linears, cublas.recording().calls().size(), "GEMMs made");
        assertEquals(DType.F32, run.value(ClassifierGraphs.LOSS).dtype(), "the loss stays float");
    }

    /**
     * Runs {@code graph} on the context's kernels, GEMMs on {@code cublas}, and checks what every run must: each
     * temporary released, each cuDNN descriptor destroyed, every recorded launch and call well formed.
     */
    static KernelRun runChecked(Graph graph, RecordingCudaContext context, CheckedCublas cublas, RunContext mode) {
        KernelRun run = new KernelRun(context, graph, cublas);
        cublas.gradients(run::isGradient);
        int tensorsBefore = context.device().liveCount();
        run.run(mode);

        assertEquals(tensorsBefore, context.device().liveCount(), "every temporary is released");
        assertEquals(Map.of(), context.cudnnFake().liveDescriptorsByKind(), "every cuDNN descriptor is destroyed");
        checkRecorded(context, activations(context), run::isGradient);
        return run;
    }

    /** The type activations are stored in for the context's precision. */
    static DType activations(RecordingCudaContext context) {
        return context.precision() == Precision.BF16 ? DType.BF16 : DType.F32;
    }

    /** Sources whose every kernel reads and writes elements 0 to n - 1 of each pointer, n its first long long. */
    private static final Set<String> ELEMENTWISE_SOURCES = Set.of("elementwise", "activation", "dropout");

    /** An elementwise launch covers each tensor it is given, no more and no less. */
    private static void checkElementCount(RecordingCudaContext.Launch launch) {
        long n = launch.arguments().stream().filter(Long.class::isInstance).map(Long.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError(launch.kernel() + " has no element count"));
        for (Object argument : launch.arguments()) {
            if (argument instanceof Tensor tensor) {
                assertEquals(n, tensor.size(), launch.kernel() + ": n against a " + tensor.shape() + " tensor");
            }
        }
    }

    /** cuDNN's calls that read or write data in bf16 work: convolutions only (the contract's "conv/GEMM"). */
    private static final Set<String> BF16_CUDNN_WORK = Set.of("cudnnConvolutionForward",
            "cudnnConvolutionBackwardData", "cudnnConvolutionBackwardFilter", "cudnnFindConvolutionForwardAlgorithm",
            "cudnnFindConvolutionBackwardDataAlgorithm", "cudnnFindConvolutionBackwardFilterAlgorithm");

    /**
     * Every launch against its kernel's signature in its variant and every cuDNN call's data types; in fp32 and
     * tf32 work no tensor is BF16 and no launch runs the bf16 variant, in bf16 work cuDNN does convolutions only
     * (batch norm, activations, softmax and bias run on the NVRTC kernels).
     */
    static void checkRecorded(RecordingCudaContext context, DType activations, LongPredicate isGradient) {
        context.launches().forEach(KernelLaunchTest::checkLaunch);
        context.launches().stream().filter(l -> ELEMENTWISE_SOURCES.contains(l.source()))
                .forEach(ZooKernelRunTest::checkElementCount);
        CudnnDataTypes.check(context, activations, isGradient);
        if (context.layout() == ActivationLayout.NHWC) {
            // cudnnSetFilter4dDescriptor(desc, dataType, format, ...): bf16 weight copies are K, R, S, C (NHWC, 1).
            context.cudnnCalls().stream().filter(c -> c.symbol().equals("cudnnSetFilter4dDescriptor"))
                    .forEach(c -> assertEquals(1, c.arguments().get(2), "a filter of channels-last work"));
        }
        if (activations == DType.F32) {
            assertTrue(context.device().allocated().stream().noneMatch(t -> t.dtype() == DType.BF16),
                    "a BF16 tensor in fp32 work");
            assertTrue(context.launches().stream().allMatch(l -> l.storage() == DType.F32),
                    "a bf16 variant launched in fp32 work");
        } else {
            for (FakeCudnn.Call call : context.cudnnCalls()) {
                boolean data = call.symbol().matches("cudnn(?!Create|Destroy|Set|Get).*");
                assertTrue(!data || BF16_CUDNN_WORK.contains(call.symbol()), call.symbol() + " in bf16 work");
            }
        }
    }

    static Graph trainingGraph(String model, int size) {
        return ClassifierGraphs.training(modelGraph(model, size), 0);
    }

    /** The model alone, batch 2, 10 classes, at {@code size} x {@code size} (0: its spec's input). */
    static Graph modelGraph(String model, int size) {
        ModelSpec spec = model.equals("odd_ops") ? OddOpsSpec.spec() : ModelSpecs.zoo(model);
        if (size > 0) {
            spec = spec.withInput(3, size, size);
        }
        return spec.withClasses(10).toGraph(2);
    }
}
