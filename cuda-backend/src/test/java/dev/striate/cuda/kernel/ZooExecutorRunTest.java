package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.cuda.ActivationLayout;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zoo models of {@link ZooKernelRunTest} through the core's executors on a recording backend that keeps values as
 * the CUDA backend does (bf16 also channels-last): two training steps (feed, forward, backward from the loss, read the
 * loss), then close. This adds the executors' side of the seams: values and gradients allocated in the stored type, the
 * fp32 images converted into the bf16 copy that nodes read (the fed F32 tensor reaches no kernel in bf16 work), the
 * planned executor's shared and withheld buffers, and every tensor given back when the executor and parameters close.
 */
class ZooExecutorRunTest {
    /**
     * {@link ZooKernelRunTest}'s models but VGG and AlexNet: their executors' seams are those of the others (a chain of
     * convolutions, pooling and linear layers), and initializing their 10^8-weight classifiers on the host would take
     * most of this test's time.
     */
    static Stream<Arguments> models() {
        Set<String> heavy = Set.of("vgg11", "vgg11_bn", "alexnet");
        return ZooKernelRunTest.models().filter(a -> !heavy.contains((String) a.get()[0]));
    }

    @ParameterizedTest(name = "{0} at {1}, planned, fp32")
    @MethodSource("models")
    void plannedFp32(String model, int size) {
        checkSteps(model, size, Precision.FP32, true);
    }

    @ParameterizedTest(name = "{0} at {1}, planned, bf16")
    @MethodSource("models")
    void plannedBf16(String model, int size) {
        checkSteps(model, size, Precision.BF16, true);
    }

    @ParameterizedTest(name = "{0} at {1}, planned, bf16 channels-last")
    @MethodSource("models")
    void plannedBf16ChannelsLast(String model, int size) {
        checkSteps(model, size, new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC), true);
    }

    @ParameterizedTest(name = "{0} at {1}, reference executor, bf16")
    @MethodSource("models")
    void referenceBf16(String model, int size) {
        checkSteps(model, size, Precision.BF16, false);
    }

    @ParameterizedTest(name = "{0} at {1}, evaluation and prediction, bf16")
    @MethodSource("models")
    void evaluationAndPredictionBf16(String model, int size) {
        checkEvaluationAndPrediction(model, size, new RecordingCudaContext(Precision.BF16));
    }

    @ParameterizedTest(name = "{0} at {1}, evaluation and prediction, bf16 channels-last")
    @MethodSource("models")
    void evaluationAndPredictionBf16ChannelsLast(String model, int size) {
        checkEvaluationAndPrediction(model, size, new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC));
    }

    private static void checkEvaluationAndPrediction(String model, int size, RecordingCudaContext context) {
        Graph training = ZooKernelRunTest.trainingGraph(model, size);
        Graph prediction = ClassifierGraphs.prediction(ZooKernelRunTest.modelGraph(model, size));
        CheckedCublas cublas = new CheckedCublas(context.device(), DType.BF16);
        RecordingBackend backend = new RecordingBackend(context, cublas);
        try (ParameterStore store = ParameterStore.initialize(training, backend, 1)) {
            try (Executor evaluation = backend.compile(training, store, ClassifierGraphs.evaluationPlan(training))) {
                feed(evaluation, training);
                evaluation.feed(ClassifierGraphs.LABELS, new int[batch(training)]);
                evaluation.forward(RunContext.evaluation());
                evaluation.read(ClassifierGraphs.LOSS);
                assertEquals(DType.BF16, evaluation.value(ClassifierGraphs.logits(training)).dtype());
            }
            try (Executor predictor = backend.compile(prediction, store, ClassifierGraphs.predictionPlan())) {
                feed(predictor, prediction);
                predictor.forward(RunContext.evaluation());
                assertEquals(DType.BF16, predictor.value(ClassifierGraphs.LOG_PROBABILITIES).dtype());
                predictor.read(ClassifierGraphs.LOG_PROBABILITIES);
            }
        }
        checkAfterClose(context, backend, DType.BF16, address -> false, 2);
    }

    /** As {@code inspect} computes saliency: backward from the logits into the images, on the reference executor. */
    @ParameterizedTest(name = "{0} at {1}, saliency, bf16")
    @MethodSource("models")
    void saliencyBf16(String model, int size) {
        checkSaliency(model, size, new RecordingCudaContext(Precision.BF16));
    }

    @ParameterizedTest(name = "{0} at {1}, saliency, bf16 channels-last")
    @MethodSource("models")
    void saliencyBf16ChannelsLast(String model, int size) {
        checkSaliency(model, size, new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC));
    }

    private static void checkSaliency(String model, int size, RecordingCudaContext context) {
        Graph graph = ZooKernelRunTest.modelGraph(model, size);
        CheckedCublas cublas = new CheckedCublas(context.device(), DType.BF16);
        RecordingBackend backend = new RecordingBackend(context, cublas);
        Set<Long> parameterGradients;
        try (ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor executor = backend.compile(graph, store)) {
            parameterGradients = addresses(context, store);
            cublas.gradients(parameterGradients::contains);
            executor.requireInputGradient(ClassifierGraphs.IMAGES);
            feed(executor, graph);
            executor.forward(RunContext.evaluation());
            executor.backward(graph.output(), new double[Math.toIntExact(graph.shapeOf(graph.output()).size())]);
            assertEquals(graph.input(ClassifierGraphs.IMAGES).shape().size(),
                    executor.inputGradient(ClassifierGraphs.IMAGES).length);
        }
        checkAfterClose(context, backend, DType.BF16, parameterGradients::contains, 1);
    }

    private static Set<Long> addresses(RecordingCudaContext context, ParameterStore store) {
        return store.gradients().values().stream().map(context.device()::address).collect(Collectors.toSet());
    }

    private static void feed(Executor executor, Graph graph) {
        executor.feed(ClassifierGraphs.IMAGES,
                new float[Math.toIntExact(graph.input(ClassifierGraphs.IMAGES).shape().size())]);
    }

    private static int batch(Graph graph) {
        return graph.input(ClassifierGraphs.IMAGES).shape().batch();
    }

    private static void checkSteps(String model, int size, Precision precision, boolean planned) {
        checkSteps(model, size, new RecordingCudaContext(precision), planned);
    }

    private static void checkSteps(String model, int size, RecordingCudaContext context, boolean planned) {
        Graph graph = ZooKernelRunTest.trainingGraph(model, size);
        FakeDevice device = context.device();
        DType activations = context.precision() == Precision.BF16 ? DType.BF16 : DType.F32;
        CheckedCublas cublas = new CheckedCublas(device, activations);
        RecordingBackend backend = new RecordingBackend(context, cublas);
        Set<Long> parameterGradients;
        try (ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor executor = planned ? backend.compile(graph, store, ClassifierGraphs.trainingPlan(graph))
                     : backend.compile(graph, store)) {
            parameterGradients = addresses(context, store);
            cublas.gradients(parameterGradients::contains);
            for (int step = 0; step < 2; step++) {
                store.zeroGradients();
                feed(executor, graph);
                executor.feed(ClassifierGraphs.LABELS, new int[batch(graph)]);
                executor.forward(RunContext.training(7, step));
                executor.backward(ClassifierGraphs.LOSS);
                executor.read(ClassifierGraphs.LOSS);
            }
        }
        checkAfterClose(context, backend, activations, parameterGradients::contains, 2);
    }

    /** What must hold once everything is closed, after {@code forwards} forward passes. */
    private static void checkAfterClose(RecordingCudaContext context, RecordingBackend backend, DType activations,
                                        LongPredicate isGradient, int forwards) {
        FakeDevice device = context.device();
        assertEquals(0, device.liveCount(), "every tensor is given back when the executor and parameters close");
        assertEquals(Map.of(), context.cudnnFake().liveDescriptorsByKind(), "every cuDNN descriptor is destroyed");
        ZooKernelRunTest.checkRecorded(context, activations, isGradient);
        if (activations == DType.BF16) {
            assertEquals(forwards, backend.conversions().size(), "the images are converted once per forward");
            for (RecordingBackend.Conversion conversion : backend.conversions()) {
                assertEquals(DType.F32, conversion.source().dtype());
                assertEquals(DType.BF16, conversion.destination().dtype());
                assertFalse(reachesAKernel(context, conversion.source()), "a kernel read the fed F32 images");
            }
        } else {
            assertEquals(0, backend.conversions().size(), "nothing to convert in fp32 work");
        }
    }

    private static boolean reachesAKernel(RecordingCudaContext context, Tensor tensor) {
        long address = context.device().address(tensor);
        boolean launched = context.launches().stream().flatMap(l -> l.arguments().stream())
                .anyMatch(a -> a instanceof Tensor t && context.device().address(t) == address);
        boolean called = context.cudnnCalls().stream().flatMap(c -> c.arguments().stream())
                .anyMatch(a -> a instanceof MemorySegment s && s.byteSize() == 0 && s.address() == address);
        return launched || called;
    }
}
