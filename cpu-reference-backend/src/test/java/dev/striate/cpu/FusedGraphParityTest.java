package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Fusion;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.graph.Node;
import dev.striate.core.op.Add;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.Linear;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.cpu.check.PlannedRunComparison;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fused graph computes what the graph it was fused from computes: training and evaluation steps of small models,
 * the fused graph on a planned executor (over a backend that poisons freed memory), the unfused one on the reference
 * executor, both with parameter stores made from the UNFUSED graph, agree on the loss, the logits, every parameter
 * gradient and every running statistic to a relative {@value PlannedRunComparison#TOLERANCE}: the fused reference
 * kernels run the same arithmetic as their parts.
 */
class FusedGraphParityTest {
    private static final Map<String, int[]> LABELS = Map.of(ClassifierGraphs.LABELS, new int[] {1, 0, 2});

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("residual block with downsample", residualBlock(),
                        Map.of("batch_norm_relu", 1, "batch_norm_add_relu", 1, "batch_norm", 1)),
                Arguments.of("inverted residual", invertedResidual(),
                        Map.of("batch_norm_relu", 2, "batch_norm", 1, "add", 1)),
                Arguments.of("VGG block", vggBlock(), Map.of("conv2d_relu", 2, "relu", 1)),
                Arguments.of("batch norm added to its own input", normalizedPlusInput(),
                        Map.of("batch_norm_add_relu", 1)));
    }

    @ParameterizedTest(name = "{0}, training")
    @MethodSource("models")
    void trainingStepsOfTheFusedGraphEqualTheUnfusedGraphs(String name, Graph model, Map<String, Integer> fused) {
        compare(model, fused, true, false);
    }

    @ParameterizedTest(name = "{0}, evaluation")
    @MethodSource("models")
    void evaluationStepsOfTheFusedGraphEqualTheUnfusedGraphs(String name, Graph model, Map<String, Integer> fused) {
        compare(model, fused, false, false);
    }

    /** Each gradient's first writer handed its gradient uninitialized, as a GPU backend's kernels may be. */
    @ParameterizedTest(name = "{0}, fresh gradients")
    @MethodSource("models")
    void freshGradientsGiveTheSameResults(String name, Graph model, Map<String, Integer> fused) {
        compare(model, fused, true, true);
    }

    private static void compare(Graph model, Map<String, Integer> expectedCounts, boolean training,
                                boolean freshWriting) {
        Graph graph = ClassifierGraphs.training(model, 0.1);
        PlanRequest plan = ClassifierGraphs.trainingPlan(graph);
        Set<String> keep = new HashSet<>(plan.kept());
        keep.add(plan.backwardFrom());
        Graph fused = Fusion.fuse(graph, keep);
        Map<String, Integer> counts = new TreeMap<>();
        for (Node node : fused.nodes()) {
            String type = node.op().typeName();
            if (type.startsWith("batch_norm") || type.startsWith("conv2d_relu") || type.startsWith("relu")
                    || type.equals("add")) {
                counts.merge(type, 1, Integer::sum);
            }
        }
        assertEquals(new TreeMap<>(expectedCounts), counts, "the fused graph's nodes");
        PlannedRunComparison.assertPlannedEqualsReference(graph, fused, plan, LABELS, Set.of(ClassifierGraphs.IMAGES),
                training, freshWriting);
    }

    private static Conv2d conv(int out, int kernel, int stride, int groups) {
        return new Conv2d(out, Window2d.square(kernel, stride, kernel / 2), groups, false, Conv2d.TORCHVISION_INIT);
    }

    /** A head on top of the block, as a classifier: global average, flatten, fc (the logits). */
    private static Graph withHead(GraphBuilder b, String last) {
        b.add("pool", new GlobalAvgPool(), last);
        b.add("flatten", new Flatten(), "pool");
        b.add("fc", Linear.of(3), "flatten");
        return b.build("fc");
    }

    /** ResNet's basic block with a projection shortcut: both of the add's inputs are batch norms; the first fuses. */
    static Graph residualBlock() {
        GraphBuilder b = new GraphBuilder();
        b.input(ClassifierGraphs.IMAGES, Shape.of(3, 3, 6, 6));
        b.add("conv1", conv(4, 3, 2, 1), ClassifierGraphs.IMAGES);
        b.add("bn1", BatchNorm.standard(), "conv1");
        b.add("relu", new Relu(), "bn1");
        b.add("conv2", conv(4, 3, 1, 1), "relu");
        b.add("bn2", BatchNorm.standard(), "conv2");
        b.add("downsample.0", conv(4, 1, 2, 1), ClassifierGraphs.IMAGES);
        b.add("downsample.1", BatchNorm.standard(), "downsample.0");
        b.add("add", new Add(), "bn2", "downsample.1");
        b.add("relu_1", new Relu(), "add");
        return withHead(b, "relu_1");
    }

    /** MobileNet v2's inverted residual: expand, depthwise (both BN + ReLU6), project (BN), identity add. */
    static Graph invertedResidual() {
        GraphBuilder b = new GraphBuilder();
        b.input(ClassifierGraphs.IMAGES, Shape.of(3, 4, 5, 5));
        b.add("conv.0.0", conv(8, 1, 1, 1), ClassifierGraphs.IMAGES);
        b.add("conv.0.1", BatchNorm.standard(), "conv.0.0");
        b.add("conv.0.2", new Relu6(), "conv.0.1");
        b.add("conv.1.0", conv(8, 3, 1, 8), "conv.0.2");
        b.add("conv.1.1", BatchNorm.standard(), "conv.1.0");
        b.add("conv.1.2", new Relu6(), "conv.1.1");
        b.add("conv.2", conv(4, 1, 1, 1), "conv.1.2");
        b.add("conv.3", BatchNorm.standard(), "conv.2");
        b.add("add", new Add(), "conv.3", ClassifierGraphs.IMAGES);
        return withHead(b, "add");
    }

    /**
     * y = max(bn(x) + x, 0): the fused node takes x as both of its inputs, so x's gradient has two shares (the batch
     * norm's dx and the residual's), neither written whole.
     */
    static Graph normalizedPlusInput() {
        GraphBuilder b = new GraphBuilder();
        b.input(ClassifierGraphs.IMAGES, Shape.of(3, 3, 6, 6));
        b.add("conv", conv(4, 3, 1, 1), ClassifierGraphs.IMAGES);
        b.add("bn", BatchNorm.standard(), "conv");
        b.add("add", new Add(), "bn", "conv");
        b.add("relu", new Relu(), "add");
        return withHead(b, "relu");
    }

    /** Two convolutions with bias, each followed by a ReLU, and a max pool; the classifier's ReLU stays. */
    static Graph vggBlock() {
        GraphBuilder b = new GraphBuilder();
        b.input(ClassifierGraphs.IMAGES, Shape.of(3, 3, 6, 6));
        b.add("features.0", Conv2d.of(4, 3, 1, 1), ClassifierGraphs.IMAGES);
        b.add("features.1", new Relu(), "features.0");
        b.add("features.2", Conv2d.of(5, 3, 1, 1), "features.1");
        b.add("features.3", new Relu(), "features.2");
        b.add("features.4", MaxPool2d.of(2, 2, 0), "features.3");
        b.add("flatten", new Flatten(), "features.4");
        b.add("classifier.0", Linear.of(6), "flatten");
        b.add("classifier.1", new Relu(), "classifier.0");
        b.add("fc", Linear.of(3), "classifier.1");
        return b.build("fc");
    }
}
