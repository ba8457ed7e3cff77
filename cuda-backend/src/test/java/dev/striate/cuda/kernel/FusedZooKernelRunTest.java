package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.Fusion;
import dev.striate.core.graph.Graph;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Op;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.FrozenParameters;
import dev.striate.cuda.ActivationLayout;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused batch norms among their real neighbours, as {@link ZooKernelRunTest} runs the unfused graphs: resnet18
 * (9 batch norm + ReLU, 8 batch norm + add + ReLU) and mobilenet_v2 (35 batch norm + ReLU6) fused as the CUDA backend
 * fuses them, through the kernels' host code in fp32, bf16 and channels-last bf16; training, evaluation, and
 * fine-tuning with the backbone frozen (the backward through running statistics); and vgg11's convolutions fused with
 * their ReLUs (8 convolution + ReLU). Every launch matches its signature
 * and variant, every temporary and cuDNN descriptor is given back, and each fused node runs its fused normalize pass.
 */
class FusedZooKernelRunTest {
    static Stream<Arguments> runs() {
        return Stream.of("resnet18", "mobilenet_v2").flatMap(model -> Stream.of(
                Arguments.of(model, Precision.FP32, ActivationLayout.NCHW),
                Arguments.of(model, Precision.BF16, ActivationLayout.NCHW),
                Arguments.of(model, Precision.BF16, ActivationLayout.NHWC)));
    }

    @ParameterizedTest(name = "{0} in {1} {2}")
    @MethodSource("runs")
    void fusedTrainingEvaluationAndFineTuning(String model, Precision precision, ActivationLayout layout) {
        Graph graph = ZooKernelRunTest.modelGraph(model, 32);
        Graph fused = fused(ClassifierGraphs.training(graph, 0));
        assertEquals(model.equals("resnet18") ? List.of(9L, 8L) : List.of(35L, 0L),
                List.of(count(fused, BatchNormRelu.class), count(fused, BatchNormAddRelu.class)));
        Graph frozen = fused(ClassifierGraphs.training(FrozenParameters.apply(graph, FrozenParameters.resolve(graph,
                List.of(FrozenParameters.BACKBONE))), 0));
        long fusedNodes = count(fused, BatchNormRelu.class) + count(fused, BatchNormAddRelu.class);
        check(fused, precision, layout, RunContext.training(7, 3), "batch_norm_normalize_relu", fusedNodes);
        check(fused, precision, layout, RunContext.evaluation(), "batch_norm_inference_forward_relu", fusedNodes);
        check(frozen, precision, layout, RunContext.training(7, 3), "batch_norm_running_input_gradient_relu",
                fusedNodes);
    }

    static Stream<Arguments> layouts() {
        return Stream.of(Arguments.of(Precision.FP32, ActivationLayout.NCHW),
                Arguments.of(Precision.BF16, ActivationLayout.NCHW),
                Arguments.of(Precision.BF16, ActivationLayout.NHWC));
    }

    /** vgg11's eight convolutions, each followed by a ReLU, fused: one bias-and-clamp pass each, no separate ReLU. */
    @ParameterizedTest(name = "vgg11 in {0} {1}")
    @MethodSource("layouts")
    void fusedConvolutionsTrainAndEvaluate(Precision precision, ActivationLayout layout) {
        Graph fused = fused(ClassifierGraphs.training(ZooKernelRunTest.modelGraph("vgg11", 32), 0));
        assertEquals(8, count(fused, Conv2dRelu.class));
        check(fused, precision, layout, RunContext.training(7, 3), "add_channel_bias_relu", 8);
        check(fused, precision, layout, RunContext.evaluation(), "add_channel_bias_relu", 8);
    }

    private static Graph fused(Graph graph) {
        return Fusion.fuse(graph, Set.of(ClassifierGraphs.LOSS));
    }

    private static long count(Graph graph, Class<? extends Op> op) {
        return graph.nodes().stream().filter(n -> op.isInstance(n.op())).count();
    }

    private static void check(Graph graph, Precision precision, ActivationLayout layout, RunContext mode,
                              String fusedKernel, long launches) {
        RecordingCudaContext context = new RecordingCudaContext(precision, layout);
        ZooKernelRunTest.runChecked(graph, context,
                new CheckedCublas(context.device(), ZooKernelRunTest.activations(context)), mode);
        assertEquals(launches, context.launches().stream().filter(l -> l.kernel().equals(fusedKernel)).count(),
                fusedKernel + ", once per fused node");
    }
}
