package dev.striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.graph.Node;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.Shape;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** STRIATE_CUDA_FUSION read, and what each value does to the graph a planned executor runs. */
class NodeFusionTest {
    /** x → bn → relu → pool. */
    private static Graph bnReluPool() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(2, 3, 4, 4));
        b.add("bn", BatchNorm.standard(), "x");
        b.add("relu", new Relu(), "bn");
        b.add("pool", new GlobalAvgPool(), "relu");
        return b.build();
    }

    private static List<String> names(Graph graph) {
        return graph.nodes().stream().map(Node::name).toList();
    }

    @Test
    void fusionIsOnUnlessTheSettingSaysOff() {
        assertEquals(NodeFusion.ON, NodeFusion.of(null));
        assertEquals(NodeFusion.ON, NodeFusion.of(" "));
        assertEquals(NodeFusion.ON, NodeFusion.of("On"));
        assertEquals(NodeFusion.OFF, NodeFusion.of(" off"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> NodeFusion.of("yes"));
        assertEquals("STRIATE_CUDA_FUSION=yes is not a fusion setting: use on or off, or unset it", bad.getMessage());
    }

    @Test
    void onFusesWhatTheRequestDoesNotRead() {
        Graph fused = NodeFusion.ON.apply(bnReluPool(), PlanRequest.backward("pool", Set.of("pool")));
        assertEquals(List.of("relu", "pool"), names(fused));
        assertEquals(BatchNormRelu.relu(BatchNorm.standard()), fused.node("relu").op());
    }

    @Test
    void aValueTheRequestReadsOrStartsBackwardFromIsNotFusedAway() {
        Graph graph = bnReluPool();
        assertEquals(List.of("bn", "relu", "pool"),
                names(NodeFusion.ON.apply(graph, PlanRequest.forwardOnly(Set.of("bn", "pool")))));
        assertEquals(List.of("bn", "relu", "pool"),
                names(NodeFusion.ON.apply(graph, PlanRequest.backward("bn", Set.of()))));
    }

    @Test
    void offRunsTheGraphAsGiven() {
        Graph graph = bnReluPool();
        assertSame(graph, NodeFusion.OFF.apply(graph, PlanRequest.backward("pool", Set.of("pool"))));
    }
}
