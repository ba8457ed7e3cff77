package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.graph.Fusion;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.models.ModelSpecs;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What fusing batch norms with their ReLU (and residual add) saves in resnet50 and mobilenet_v2 at batch 128, the
 * figures in docs/performance.md. Per training step, passes over the activation (each read or write once): a batch
 * norm and its ReLU 13 unfused, 10 as BatchNormRelu; a batch norm, add and ReLU 20 unfused, 12 as BatchNormAddRelu.
 * The fused nodes are those the backend's rewrite makes ({@link Fusion}: a batch norm read only by a ReLU or ReLU6;
 * one read only by a two-input add read only by a ReLU) and their outputs are counted by hand below.
 */
class BatchNormReluPassesTest {
    private static final int BATCH = 128;
    private static final int SAVED_BY_RELU = 13 - 10;
    private static final int SAVED_BY_ADD_RELU = 20 - 12;

    /** Batch norm + ReLU (or ReLU6) and batch norm + add + ReLU sites of a graph: their count and output values. */
    private record Sites(int relu, long reluValues, int addRelu, long addReluValues) {
        long savedValues() {
            return SAVED_BY_RELU * reluValues + SAVED_BY_ADD_RELU * addReluValues;
        }
    }

    /**
     * resnet50 per image: batch norm + ReLU on the stem (64·112²) and each bottleneck's bn1 and bn2 (bn1 at the
     * block's input resolution, bn2 after the stride): layer1 3 · 2 · 64·56²; layer2 128·56² + 7 · 128·28²; layer3
     * 256·28² + 11 · 256·14²; layer4 512·14² + 5 · 512·7², 4,089,344 values in 33 nodes. Batch norm + add + ReLU on each
     * block's bn3: 3 · 256·56² + 4 · 512·28² + 6 · 1024·14² + 3 · 2048·7² = 5,519,360 values in 16 nodes.
     */
    @Test
    void resnet50() {
        Sites sites = sites(ModelSpecs.zoo("resnet50").toGraph(BATCH));
        assertEquals(new Sites(33, 4_089_344L * BATCH, 16, 5_519_360L * BATCH), sites);
        print("resnet50", sites);
    }

    /**
     * mobilenet_v2 per image, every batch norm + ReLU6 (the projections have no activation, their adds no ReLU): the
     * stem 32·112², the first block's depthwise 32·112², then per inverted residual its expansion and depthwise
     * (6× widths; the first of a stage strided in the depthwise), and the last 1x1 1280·7²: 6,105,792 values in 35
     * nodes.
     */
    @Test
    void mobilenetV2() {
        Sites sites = sites(ModelSpecs.zoo("mobilenet_v2").toGraph(BATCH));
        long stages = 2L * 32 * 112 * 112 // the stem, the first block's depthwise
                + 96L * 112 * 112 + 96L * 56 * 56 + 2 * 144L * 56 * 56 // 24 channels, 2 blocks
                + 144L * 56 * 56 + 144L * 28 * 28 + 2 * 2 * 192L * 28 * 28 // 32 channels, 3 blocks
                + 192L * 28 * 28 + 192L * 14 * 14 + 3 * 2 * 384L * 14 * 14 // 64 channels, 4 blocks
                + 2 * 384L * 14 * 14 + 2 * 2 * 576L * 14 * 14 // 96 channels, 3 blocks, stride 1
                + 576L * 14 * 14 + 576L * 7 * 7 + 2 * 2 * 960L * 7 * 7 // 160 channels, 3 blocks
                + 2 * 960L * 7 * 7 // 320 channels, 1 block
                + 1280L * 7 * 7; // the last 1x1 convolution's batch norm
        assertEquals(6_105_792L, stages);
        assertEquals(new Sites(35, stages * BATCH, 0, 0), sites);
        print("mobilenet_v2", sites);
    }

    /** The fused nodes of the graph as the CUDA backend's rewrite ({@link Fusion}) makes them. */
    private static Sites sites(Graph graph) {
        Graph fused = Fusion.fuse(graph, Set.of());
        List<Node> relu = fused.nodes().stream().filter(n -> n.op() instanceof BatchNormRelu).toList();
        List<Node> addRelu = fused.nodes().stream().filter(n -> n.op() instanceof BatchNormAddRelu).toList();
        return new Sites(relu.size(), values(relu), addRelu.size(), values(addRelu));
    }

    /** The nodes' output values, which are their batch norms' (a clamp and an add keep the shape). */
    private static long values(List<Node> nodes) {
        return nodes.stream().mapToLong(n -> n.shape().size()).sum();
    }

    private static void print(String model, Sites sites) {
        System.out.printf(Locale.ROOT, "%s batch %d: %d batch norm + ReLU (%.3f G values), %d batch norm + add + ReLU"
                + " (%.3f G values): %.3f G values, %.2f GiB fp32 / %.2f GiB bf16 fewer read or written per step%n",
                model, BATCH, sites.relu(), sites.reluValues() / 1e9, sites.addRelu(), sites.addReluValues() / 1e9,
                sites.savedValues() / 1e9, sites.savedValues() * 4.0 / (1L << 30),
                sites.savedValues() * 2.0 / (1L << 30));
    }
}
