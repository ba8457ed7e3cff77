package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.striate.core.graph.Fusion;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Relu6;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.cpu.check.PlannedRunComparison;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The fusion rewrite on zoo models, against counts worked out from their architectures: ResNet-50 (stem BN + ReLU,
 * per bottleneck two BN + ReLU and one BN + add + ReLU), MobileNet v2 (BN + ReLU6; its residual adds end in no ReLU),
 * VGG-16 (conv + ReLU). The fused graph keeps every parameter under its name, so the unfused model's store fits.
 */
class ZooFusionTest {
    private static Graph model(String name) {
        return ModelSpecs.zoo(name).withInput(3, 32, 32).toGraph(2);
    }

    private static Map<String, Integer> opCounts(Graph graph) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Node node : graph.nodes()) {
            counts.merge(node.op().typeName(), 1, Integer::sum);
        }
        return counts;
    }

    private static Set<String> vanished(Graph unfused, Graph fused) {
        Set<String> names = new HashSet<>(unfused.nodes().stream().map(Node::name).toList());
        fused.nodes().forEach(node -> names.remove(node.name()));
        return names;
    }

    @Test
    void resnet50FusesItsStemAndEveryBottleneck() {
        Graph unfused = model("resnet50");
        Graph fused = Fusion.fuse(unfused, Set.of());
        Map<String, Integer> counts = opCounts(fused);
        // 1 stem + 16 bottlenecks × 2; 16 bottleneck ends; the 4 downsample BNs are the adds' second inputs.
        assertEquals(33, counts.get("batch_norm_relu"));
        assertEquals(16, counts.get("batch_norm_add_relu"));
        assertEquals(4, counts.get("batch_norm"));
        assertEquals(53, counts.get("conv2d"));
        assertNull(counts.get("relu"));
        assertNull(counts.get("add"));
        Set<String> expectedGone = new HashSet<>();
        for (Node node : unfused.nodes()) {
            boolean downsample = node.name().contains("downsample");
            if (node.op() instanceof BatchNorm && !downsample || node.op().typeName().equals("add")) {
                expectedGone.add(node.name());
            }
        }
        assertEquals(65, expectedGone.size());
        assertEquals(expectedGone, vanished(unfused, fused));

        Node stem = fused.node("relu");
        assertEquals(BatchNormRelu.relu(BatchNorm.standard()), stem.op());
        assertEquals(List.of("conv1"), stem.inputs());
        assertEquals("bn1", stem.parameterOwner());
        Node firstEnd = fused.node("layer1.0.relu_2");
        assertEquals(new BatchNormAddRelu(BatchNorm.standard()), firstEnd.op());
        assertEquals(List.of("layer1.0.conv3", "layer1.0.downsample.1"), firstEnd.inputs());
        assertEquals("layer1.0.bn3", firstEnd.parameterOwner());
        assertEquals(List.of("layer1.1.conv3", "layer1.0.relu_2"), fused.node("layer1.1.relu_2").inputs(),
                "identity shortcut");
        assertEquals(unfused.nodes().stream().map(Node::name).filter(n -> !expectedGone.contains(n)).toList(),
                fused.nodes().stream().map(Node::name).toList(), "every survivor keeps its place");
        assertSameParameters(unfused, fused);
    }

    @Test
    void mobilenetV2FusesEveryBatchNormAndRelu6() {
        Graph unfused = model("mobilenet_v2");
        Graph fused = Fusion.fuse(unfused, Set.of());
        Map<String, Integer> counts = opCounts(fused);
        assertEquals(35, counts.get("batch_norm_relu"));
        assertEquals(52 - 35, counts.get("batch_norm"), "each block's projection BN");
        assertEquals(10, counts.get("add"));
        assertNull(counts.get("relu6"));
        assertNull(counts.get("batch_norm_add_relu"));
        for (Node node : fused.nodes()) {
            if (node.op() instanceof BatchNormRelu fusedOp) {
                assertEquals(6, fusedOp.ceiling(), node.name());
                assertEquals(Relu6.class, unfused.node(node.name()).op().getClass(), node.name());
            }
        }
        Node first = fused.node("features.0.2");
        assertEquals(List.of("features.0.0"), first.inputs());
        assertEquals("features.0.1", first.parameterOwner());
        assertSameParameters(unfused, fused);
    }

    @Test
    void vgg16FusesEveryConvolutionWithItsRelu() {
        Graph unfused = model("vgg16");
        Graph fused = Fusion.fuse(unfused, Set.of());
        Map<String, Integer> counts = opCounts(fused);
        assertEquals(13, counts.get("conv2d_relu"));
        assertNull(counts.get("conv2d"));
        assertEquals(2, counts.get("relu"), "the classifier's, after linear layers");
        Node first = fused.node("features.1");
        assertEquals(Conv2dRelu.class, first.op().getClass());
        assertEquals(List.of(ClassifierGraphs.IMAGES), first.inputs());
        assertEquals(List.of("features.0.weight", "features.0.bias"),
                first.parameters().stream().map(Parameter::name).toList());
        assertSameParameters(unfused, fused);
    }

    /**
     * The same parameters (name and spec) in both graphs, and each fused node's list, in order, that of the node
     * whose name it keeps.
     */
    private static void assertSameParameters(Graph unfused, Graph fused) {
        assertEquals(new HashSet<>(unfused.parameters()), new HashSet<>(fused.parameters()));
        assertEquals(unfused.parameters().size(), fused.parameters().size());
        List<String> checked = new ArrayList<>();
        for (Node node : fused.nodes()) {
            if (!node.parameterOwner().equals(node.name())) {
                assertEquals(unfused.node(node.parameterOwner()).parameters(), node.parameters(), node.name());
                checked.add(node.name());
            }
        }
        assertFalse(checked.isEmpty(), "no fused node has parameters of another node");
    }

    /** ResNet-18 at 32x32 fused: training steps on a planned executor equal the unfused reference's. */
    @Test
    void fusedResnet18TrainsAsTheUnfusedOne() {
        Graph graph = ClassifierGraphs.training(model("resnet18"), 0.0);
        var plan = ClassifierGraphs.trainingPlan(graph);
        Set<String> keep = new HashSet<>(plan.kept());
        keep.add(plan.backwardFrom());
        Graph fused = Fusion.fuse(graph, keep);
        assertEquals(8, opCounts(fused).get("batch_norm_add_relu"));
        PlannedRunComparison.assertPlannedEqualsReference(graph, fused, plan,
                Map.of(ClassifierGraphs.LABELS, new int[] {3, 7}), Set.of(), true, false);
    }
}
