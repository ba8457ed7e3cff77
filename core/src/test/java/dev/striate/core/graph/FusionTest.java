package dev.striate.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.op.Add;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.FrozenParameters;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fusion rules on small hand-built graphs: what fuses, into what, under which name, and what must not. */
class FusionTest {
    private static final Shape IMAGE = Shape.of(2, 3, 4, 4);
    private static final BatchNorm BN = BatchNorm.standard();

    private static GraphBuilder withInput() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", IMAGE);
        return b;
    }

    private static List<String> names(Graph graph) {
        return graph.nodes().stream().map(Node::name).toList();
    }

    /** x → bn → relu → pool. */
    private static Graph bnRelu(BatchNorm norm, boolean relu6) {
        GraphBuilder b = withInput();
        b.add("bn", norm, "x");
        b.add("relu", relu6 ? new Relu6() : new Relu(), "bn");
        b.add("pool", new GlobalAvgPool(), "relu");
        return b.build();
    }

    @Test
    void batchNormThenReluBecomesOneNodeNamedAfterTheReluWithTheBatchNormsParameters() {
        Graph fused = Fusion.fuse(bnRelu(BN, false), Set.of());
        assertEquals(List.of("relu", "pool"), names(fused));
        Node node = fused.node("relu");
        assertEquals(BatchNormRelu.relu(BN), node.op());
        assertEquals(List.of("x"), node.inputs());
        assertEquals("bn", node.parameterOwner());
        assertEquals(List.of("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"),
                node.parameters().stream().map(Parameter::name).toList());
        assertEquals(IMAGE, node.shape());
        assertEquals(List.of("relu"), fused.node("pool").inputs());
    }

    @Test
    void batchNormThenRelu6KeepsTheCeilingAndTheBatchNormsAttributes() {
        BatchNorm frozen = new BatchNorm(1e-3, 0.2, false).freeze();
        Node node = Fusion.fuse(bnRelu(frozen, true), Set.of()).node("relu");
        assertEquals(new BatchNormRelu(frozen, 6), node.op());
        assertEquals("batch_norm_relu", node.op().typeName());
    }

    @Test
    void convolutionThenReluFusesAndConvolutionThenRelu6DoesNot() {
        GraphBuilder b = withInput();
        b.add("conv", Conv2d.of(4, 3, 1, 1), "x");
        b.add("relu", new Relu(), "conv");
        b.add("conv6", Conv2d.of(4, 3, 1, 1), "relu");
        b.add("relu6", new Relu6(), "conv6");
        Graph fused = Fusion.fuse(b.build(), Set.of());
        assertEquals(List.of("relu", "conv6", "relu6"), names(fused));
        assertEquals(new Conv2dRelu(Conv2d.of(4, 3, 1, 1)), fused.node("relu").op());
        assertEquals(List.of("conv.weight", "conv.bias"),
                fused.node("relu").parameters().stream().map(Parameter::name).toList());
    }

    /** x → conv → bn; side → bn2; add(bn, bn2) → relu: both inputs qualify, the add's first is fused. */
    private static GraphBuilder projectionBlock(String first, String second) {
        GraphBuilder b = withInput();
        b.add("conv", Conv2d.of(3, 3, 1, 1), "x");
        b.add("bn", BN, "conv");
        b.add("side", Conv2d.of(3, 1, 1, 0), "x");
        b.add("bn2", BN, "side");
        b.add("add", new Add(), first, second);
        b.add("relu", new Relu(), "add");
        return b;
    }

    @Test
    void batchNormAddReluTakesTheBatchNormsInputAndTheAddsOtherInput() {
        Graph fused = Fusion.fuse(projectionBlock("bn", "bn2").build(), Set.of());
        assertEquals(List.of("conv", "side", "bn2", "relu"), names(fused));
        Node node = fused.node("relu");
        assertEquals(new BatchNormAddRelu(BN), node.op());
        assertEquals(List.of("conv", "bn2"), node.inputs());
        assertEquals("bn", node.parameterOwner());

        Node swapped = Fusion.fuse(projectionBlock("bn2", "bn").build(), Set.of()).node("relu");
        assertEquals(List.of("side", "bn"), swapped.inputs(), "the add's first input is the one fused");
        assertEquals("bn2", swapped.parameterOwner());
    }

    @Test
    void aBatchNormSecondInTheAddFusesWhenTheFirstInputIsNoBatchNorm() {
        GraphBuilder b = withInput();
        b.add("bn", BN, "x");
        b.add("add", new Add(), "x", "bn");
        b.add("relu", new Relu(), "add");
        Node node = Fusion.fuse(b.build(), Set.of()).node("relu");
        assertEquals(List.of("x", "x"), node.inputs());
        assertEquals("bn", node.parameterOwner());
    }

    @Test
    void theFusedNodeTakesTheRelusPlaceInTopologicalOrder() {
        GraphBuilder b = withInput();
        b.add("bn", BN, "x");
        b.add("side", Conv2d.of(3, 1, 1, 0), "x");
        b.add("relu", new Relu(), "bn");
        b.add("sum", new Add(), "relu", "side");
        Graph fused = Fusion.fuse(b.build(), Set.of());
        assertEquals(List.of("side", "relu", "sum"), names(fused));
    }

    @Test
    void aKeptOrOutputBatchNormOrAddIsNotFused() {
        assertEquals(List.of("bn", "relu", "pool"), names(Fusion.fuse(bnRelu(BN, false), Set.of("bn"))));
        GraphBuilder b = withInput();
        b.add("bn", BN, "x");
        b.add("relu", new Relu(), "bn");
        assertEquals(List.of("bn", "relu"), names(Fusion.fuse(b.build("relu", "bn"), Set.of())), "bn is an output");

        Graph keptAdd = Fusion.fuse(projectionBlock("bn", "bn2").build(), Set.of("add"));
        assertEquals(List.of("conv", "bn", "side", "bn2", "add", "relu"), names(keptAdd));
    }

    @Test
    void aKeptOrOutputReluIsFusedAndKeepsItsName() {
        Graph fused = Fusion.fuse(bnRelu(BN, false), Set.of("relu"));
        assertEquals(List.of("relu", "pool"), names(fused));
        GraphBuilder b = withInput();
        b.add("bn", BN, "x");
        b.add("relu", new Relu(), "bn");
        Graph output = Fusion.fuse(b.build(), Set.of());
        assertEquals(List.of("relu"), names(output));
        assertEquals(List.of("relu"), output.outputs());
    }

    @Test
    void aValueReadTwiceIsNotFused() {
        GraphBuilder b = withInput();
        b.add("bn", BN, "x");
        b.add("relu", new Relu(), "bn");
        b.add("sum", new Add(), "relu", "bn");
        assertEquals(List.of("bn", "relu", "sum"), names(Fusion.fuse(b.build(), Set.of())));

        GraphBuilder twice = withInput();
        twice.add("bn", BN, "x");
        twice.add("add", new Add(), "bn", "bn");
        twice.add("relu", new Relu(), "add");
        assertEquals(List.of("bn", "add", "relu"), names(Fusion.fuse(twice.build(), Set.of())),
                "bn read twice by the add");

        GraphBuilder addReadTwice = projectionBlock("bn", "bn2");
        addReadTwice.add("sum", new Add(), "relu", "add");
        assertEquals(List.of("conv", "bn", "side", "bn2", "add", "relu", "sum"),
                names(Fusion.fuse(addReadTwice.build(), Set.of())));
    }

    @Test
    void otherShapesOfTheGraphAreLeftAlone() {
        GraphBuilder b = withInput();
        b.add("relu0", new Relu(), "x");
        b.add("bn", BN, "relu0");
        b.add("bn2", BN, "relu0");
        b.add("bn3", BN, "relu0");
        b.add("add3", new Add(), "bn", "bn2", "bn3");
        b.add("relu", new Relu(), "add3");
        b.add("bn4", BN, "relu");
        b.add("add", new Add(), "bn4", "relu");
        b.add("relu6", new Relu6(), "add");
        b.add("pool", new GlobalAvgPool(), "relu6");
        b.add("flatten", new Flatten(), "pool");
        b.add("fc", Linear.of(4), "flatten");
        b.add("relu_fc", new Relu(), "fc");
        Graph graph = b.build();
        Graph fused = Fusion.fuse(graph, Set.of());
        assertEquals(graph.nodes(), fused.nodes(),
                "relu of an input, three-input add, add then relu6, linear then relu");
    }

    @Test
    void aDropoutBetweenTheBatchNormOrConvolutionAndTheReluStopsFusion() {
        GraphBuilder b = withInput();
        b.add("bn", BN, "x");
        b.add("drop", new Dropout(0.5), "bn");
        b.add("relu", new Relu(), "drop");
        b.add("conv", Conv2d.of(3, 3, 1, 1), "relu");
        b.add("drop2", new Dropout(0.5), "conv");
        b.add("relu2", new Relu(), "drop2");
        Graph graph = b.build();
        assertEquals(graph.nodes(), Fusion.fuse(graph, Set.of()).nodes());
    }

    /** Fine-tuning freezes the batch norm before the backend fuses it: the fused node normalizes as frozen. */
    @Test
    void aBatchNormFrozenForFineTuningStaysFrozenInsideTheFusedNode() {
        Graph model = bnRelu(BN, false);
        Set<String> all = Set.copyOf(model.parameters().stream().map(Parameter::name).toList());
        Graph fused = Fusion.fuse(FrozenParameters.apply(model, all), Set.of());
        assertEquals(BatchNormRelu.relu(BN.freeze()), fused.node("relu").op());
        assertEquals(model.parameters(), fused.parameters());
    }

    @Test
    void fusingAFusedGraphChangesNothing() {
        Graph once = Fusion.fuse(projectionBlock("bn", "bn2").build(), Set.of());
        assertEquals(once.nodes(), Fusion.fuse(once, Set.of()).nodes());
    }

    @Test
    void anotherBatchSizeAndReplacedOpsKeepTheParameterOwners() {
        Graph fused = Fusion.fuse(projectionBlock("bn", "bn2").build(), Set.of());
        Graph resized = fused.withBatch(5);
        assertEquals(Shape.of(5, 3, 4, 4), resized.shapeOf("relu"));
        assertEquals("bn", resized.node("relu").parameterOwner());
        assertEquals(fused.parameters(), resized.parameters());
        Graph frozen = fused.withOps(node -> node.op() instanceof BatchNormAddRelu fusedOp
                ? new BatchNormAddRelu(fusedOp.norm().freeze()) : node.op());
        assertEquals(new BatchNormAddRelu(BN.freeze()), frozen.node("relu").op());
        assertEquals("bn", frozen.node("relu").parameterOwner());
        assertEquals(fused.parameters(), frozen.parameters());
    }
}
