package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.Add;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.Concat;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.LeakyRelu;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Op;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What each part of the spec format builds: node names, shapes, ops and their attributes. */
class SpecFormatTest {
    /** A spec around {@code body} and optional {@code blocks}, written with ' for " to stay readable. */
    private static Graph build(String blocks, String body) {
        String json = "{'name': 'net', 'input': [4, 8, 8], 'classes': 5,"
                + (blocks == null ? "" : " 'blocks': " + blocks + ",") + " 'body': " + body + "}";
        return ModelSpecs.parse(json.replace('\'', '"'), "net.json").toGraph(2);
    }

    private static final String HEAD = "{'type': 'flatten', 'name': 'flatten'},"
            + " {'type': 'linear', 'name': 'fc', 'out': 'classes'}";

    private static List<String> names(Graph graph) {
        return graph.nodes().stream().map(Node::name).toList();
    }

    @Test
    void everyOpOfCoreIsALayerTypeExceptTheOnesWrittenByCompositionOrMadeByFusion() {
        Set<Class<?>> notLayerTypes = Set.of(Add.class, Concat.class, SoftmaxCrossEntropy.class,
                BatchNormRelu.class, BatchNormAddRelu.class, Conv2dRelu.class);
        for (Class<?> opClass : Op.class.getPermittedSubclasses()) {
            @SuppressWarnings("unchecked")
            String type = Op.typeNameOf((Class<? extends Op>) opClass);
            assertEquals(!notLayerTypes.contains(opClass), OpParser.ATTRIBUTES.containsKey(type), type);
        }
    }

    @Test
    void opAttributesBecomeTheOpsRecords() {
        Graph graph = build(null, "[{'type': 'conv2d', 'out': 6, 'kernel': [3, 1], 'stride': [2, 1],"
                + " 'padding': [1, 0, 2, 1], 'dilation': 2, 'groups': 2, 'bias': false,"
                + " 'init': 'kaiming_normal(fan_in)'},"
                + " {'type': 'avg_pool2d', 'kernel': 2, 'ceil_mode': true, 'count_include_pad': false},"
                + " {'type': 'leaky_relu', 'slope': 0.2}, " + HEAD + "]");
        assertEquals(new Conv2d(6, new Window2d(3, 1, 2, 1, 1, 0, 2, 1, 2, 2), 2, false,
                new Initializer.KaimingNormal(false)), graph.node("0").op());
        assertEquals(Shape.of(2, 6, 3, 11), graph.shapeOf("0"));
        assertEquals(new AvgPool2d(new Window2d(2, 2, 2, 2, 0, 0, 0, 0, 1, 1), true, false), graph.node("1").op());
        assertEquals(new LeakyRelu(0.2), graph.node("2").op());
    }

    @Test
    void initializersAreSelectablePerLayer() {
        Map<String, Initializer> expected = Map.of(
                "kaiming_normal", new Initializer.KaimingNormal(true),
                "kaiming_uniform", new Initializer.KaimingUniform(0),
                "kaiming_uniform(2.5)", new Initializer.KaimingUniform(2.5),
                "xavier_normal", new Initializer.XavierNormal(),
                "xavier_uniform", new Initializer.XavierUniform(),
                "normal(0.02)", new Initializer.Normal(0.02),
                "uniform(-0.5, 0.5)", new Initializer.Uniform(-0.5, 0.5),
                "pytorch_default", Initializer.KaimingUniform.PYTORCH_DEFAULT);
        expected.forEach((text, initializer) -> {
            Graph graph = build(null, "[{'type': 'flatten'}, {'type': 'linear', 'out': 'classes', 'init': '"
                    + text + "', 'bias_init': 'constant(0.5)'}]");
            Linear linear = (Linear) graph.node("1").op();
            assertEquals(initializer, linear.weightInit(), text);
            assertEquals(new Initializer.Constant(0.5), linear.biasInit());
        });
    }

    @Test
    void defaultInitializationIsTorchvisions() {
        Graph vgg = ModelSpecs.zoo("vgg11").toGraph(1);
        assertEquals(Conv2d.TORCHVISION_INIT, ((Conv2d) vgg.node("features.0").op()).weightInit());
        assertEquals(new Linear(4096, true, new Initializer.Normal(0.01), new Initializer.Constant(0)),
                vgg.node("classifier.0").op());
        Graph resnet = ModelSpecs.zoo("resnet18").toGraph(1);
        assertEquals(new Initializer.KaimingNormal(true), ((Conv2d) resnet.node("layer1.0.conv1").op()).weightInit());
        assertEquals(Linear.of(1000), resnet.node("fc").op());
        Graph googlenet = ModelSpecs.zoo("googlenet").toGraph(1);
        assertEquals(new Initializer.Normal(0.01),
                ((Conv2d) googlenet.node("inception4a.branch2.1.conv").op()).weightInit());
        Map<String, Initializer> bn = resnet.node("bn1").parameters().stream()
                .collect(Collectors.toMap(Parameter::name, p -> p.spec().initializer()));
        assertEquals(new Initializer.Constant(1), bn.get("bn1.weight"));
        assertEquals(new Initializer.Constant(0), bn.get("bn1.bias"));
        Graph alexnet = ModelSpecs.zoo("alexnet").toGraph(1);
        assertEquals(Initializer.KaimingUniform.PYTORCH_DEFAULT,
                ((Conv2d) alexnet.node("features.0").op()).weightInit());
    }

    @Test
    void unnamedLayersAreNamedByPositionAndNamedOnesKeepTheirName() {
        Graph graph = build(null, "[{'type': 'sequential', 'name': 'features', 'body': [{'type': 'relu'},"
                + " {'type': 'relu', 'name': 'act'}, {'type': 'sequential', 'body': [{'type': 'relu'}]},"
                + " {'type': 'relu'}]}, " + HEAD + "]");
        assertEquals(List.of("features.0", "features.act", "features.2.0", "features.3", "flatten", "fc"),
                names(graph));
    }

    @Test
    void inlineLayersAreNumberedInTheEnclosingList() {
        Graph graph = build(null, "[{'type': 'sequential', 'name': 'features', 'body': [{'type': 'relu'},"
                + " {'type': 'repeat', 'inline': true, 'n': 2, 'body': [{'type': 'relu6'}, {'type': 'tanh'}]},"
                + " {'type': 'vgg_block', 'convs': 1, 'out': 4}, {'type': 'sigmoid'}]}, " + HEAD + "]");
        assertEquals(List.of("features.0", "features.1", "features.2", "features.3", "features.4", "features.5",
                "features.6", "features.7", "features.8", "flatten", "fc"), names(graph));
        assertEquals("conv2d", graph.node("features.5").op().typeName());
        assertEquals("max_pool2d", graph.node("features.7").op().typeName());
    }

    @Test
    void aNamedVggBlockHasItsOwnScope() {
        Graph graph = build(null, "[{'type': 'vgg_block', 'name': 'block1', 'convs': 2, 'out': 4,"
                + " 'batch_norm': true}, " + HEAD + "]");
        assertEquals(List.of("block1.0", "block1.1", "block1.2", "block1.3", "block1.4", "block1.5", "block1.6",
                "flatten", "fc"), names(graph));
    }

    @Test
    void repeatAndStageNumberTheirCopies() {
        Graph graph = build(null, "[{'type': 'repeat', 'name': 'r', 'n': 3, 'body': [{'type': 'relu'}]},"
                + " {'type': 'stage', 'name': 'layer1', 'block': 'basic_block', 'width': 8, 'count': 2,"
                + " 'stride': 2}, " + HEAD + "]");
        assertTrue(names(graph).containsAll(List.of("r.0", "r.1", "r.2", "layer1.0.conv1", "layer1.0.downsample.0",
                "layer1.0.add", "layer1.0.relu_1", "layer1.1.conv2", "layer1.1.add")));
        assertEquals(Shape.of(2, 8, 4, 4), graph.shapeOf("layer1.0.conv1"));
        assertEquals(Shape.of(2, 8, 4, 4), graph.shapeOf("layer1.1.conv1"), "only the first block strides");
        assertTrue(!names(graph).contains("layer1.1.downsample.0"), "the second block keeps its shape");
    }

    @Test
    void residualSumsBodyAndShortcutThenActivates() {
        Graph graph = build(null, "[{'type': 'residual', 'name': 'res', 'body': [{'type': 'conv2d',"
                + " 'out': 6, 'kernel': 3, 'padding': 1}], 'shortcut': {'type': 'conv2d', 'name': 'proj',"
                + " 'out': 6, 'kernel': 1}, 'activation': {'type': 'leaky_relu', 'slope': 0.1}},"
                + " {'type': 'residual', 'body': [{'type': 'relu'}], 'activation': 'relu'}, " + HEAD + "]");
        assertEquals(List.of("res.0", "res.proj", "res.add", "res.leaky_relu", "1.0", "1.add", "1.relu", "flatten",
                "fc"), names(graph));
        assertEquals(List.of("res.0", "res.proj"), graph.node("res.add").inputs());
        assertEquals(List.of("1.0", "res.leaky_relu"), graph.node("1.add").inputs(), "identity shortcut");
    }

    @Test
    void concatJoinsBranchesOnChannels() {
        Graph graph = build(null, "[{'type': 'concat', 'name': 'mix', 'branches': [[], {'type': 'conv2d',"
                + " 'out': 2, 'kernel': 1}, [{'type': 'max_pool2d', 'kernel': 3, 'stride': 1, 'padding': 1},"
                + " {'type': 'conv2d', 'out': 3, 'kernel': 1}]]}, " + HEAD + "]");
        assertEquals(List.of("mix.0", "mix.1", "mix.2", "mix.cat", "flatten", "fc"), names(graph));
        assertEquals(List.of("input", "mix.0", "mix.2"), graph.node("mix.cat").inputs());
        assertEquals(Shape.of(2, 4 + 2 + 3, 8, 8), graph.shapeOf("mix.cat"));
    }

    @Test
    void blocksTakeArgumentsDefaultsAndArithmetic() {
        String blocks = "{'squeeze_expand': {'params': ['squeeze', 'expand', 'kernel'],"
                + " 'defaults': {'kernel': [3, 3]}, 'body': ["
                + " {'type': 'conv2d', 'name': 'squeeze', 'out': '$squeeze', 'kernel': 1},"
                + " {'type': 'conv2d', 'name': 'expand', 'out': '$(expand + squeeze) * 2 // 3',"
                + " 'kernel': '$kernel', 'padding': '$expand % 5 - 2'},"
                + " {'type': 'conv2d', 'name': 'depthwise', 'out': 'in', 'groups': 'in', 'kernel': 1}]}}";
        Graph graph = build(blocks, "[{'use': 'squeeze_expand', 'name': 'fire', 'args': {'squeeze': 2,"
                + " 'expand': 8}}, {'use': 'squeeze_expand', 'args': {'squeeze': 1, 'expand': 3, 'kernel': 1}},"
                + " " + HEAD + "]");
        // (8 + 2) * 2 // 3 = 6 channels; padding 8 % 5 - 2 = 1 keeps 8x8 with the default 3x3 kernel.
        assertEquals(Shape.of(2, 6, 8, 8), graph.shapeOf("fire.expand"));
        assertEquals(Shape.of(6, 2, 3, 3), weight(graph, "fire.expand"));
        assertEquals(Shape.of(6, 1, 1, 1), weight(graph, "fire.depthwise"));
        // Second use: (3 + 1) * 2 // 3 = 2 channels, 1x1 kernel, padding 3 % 5 - 2 = 1 grows the map to 10x10.
        assertEquals(Shape.of(2, 2, 10, 10), graph.shapeOf("1.expand"));
    }

    @Test
    void builtinBlocksBuildTheirReferenceStructure() {
        Graph graph = build(null, "[{'type': 'bottleneck', 'name': 'b', 'width': 4, 'stride': 2,"
                + " 'groups': 2, 'base_width': 128}, {'type': 'inverted_residual', 'name': 'ir', 'out': 16,"
                + " 'expansion': 1.5}, {'type': 'depthwise_separable', 'name': 'ds', 'out': 8, 'stride': 2},"
                + " {'type': 'inception', 'name': 'inc', 'ch1x1': 1, 'ch3x3red': 2, 'ch3x3': 3,"
                + " 'ch5x5red': 1, 'ch5x5': 2, 'pool_proj': 4, 'branch3_kernel': 5, 'batch_norm': false}, "
                + HEAD + "]");
        // Bottleneck: inner width floor(4 · 128 / 64) · 2 = 16 in 2 groups, out 4 · 4 = 16, projection shortcut.
        assertEquals(Shape.of(16, 8, 3, 3), weight(graph, "b.conv2"));
        assertEquals(Shape.of(16, 4, 1, 1), weight(graph, "b.downsample.0"));
        assertEquals(Shape.of(2, 16, 4, 4), graph.shapeOf("b.relu_2"));
        // Inverted residual with t = 1.5 on 16 channels: expansion to 24, depthwise, projection, residual sum.
        assertEquals(Shape.of(24, 16, 1, 1), weight(graph, "ir.conv.0.0"));
        assertEquals(Shape.of(24, 1, 3, 3), weight(graph, "ir.conv.1.0"));
        assertEquals(Shape.of(16, 24, 1, 1), weight(graph, "ir.conv.2"));
        assertEquals(List.of("ir.conv.3", "b.relu_2"), graph.node("ir.add").inputs());
        assertEquals(Shape.of(16, 1, 3, 3), weight(graph, "ds.0"));
        assertEquals(Shape.of(2, 8, 2, 2), graph.shapeOf("ds.5"));
        // Inception without batch norm: conv with bias and ReLU per branch; branch3 5x5 padded by 2.
        assertEquals(Shape.of(2, 1, 5, 5), weight(graph, "inc.branch3.1.conv"));
        assertEquals(Shape.of(2), graph.node("inc.branch3.1.conv").parameters().get(1).spec().shape());
        assertEquals(Shape.of(2, 1 + 3 + 2 + 4, 2, 2), graph.shapeOf("inc.cat"));
    }

    private static Shape weight(Graph graph, String node) {
        return graph.node(node).parameters().getFirst().spec().shape();
    }

    @Test
    void theGraphInputIsNamedInputAndTheOutputIsTheLogits() {
        Graph graph = ModelSpecs.zoo("resnet18").toGraph(3);
        assertEquals("input", graph.inputs().getFirst().name());
        assertEquals(Shape.of(3, 3, 224, 224), graph.inputs().getFirst().shape());
        assertEquals("fc", graph.output());
        assertEquals(Shape.of(3, 1000), graph.shapeOf("fc"));
        assertTrue(Arrays.equals(new int[] {3, 224, 224}, ModelSpecs.zoo("resnet18").inputShape()));
    }
}
