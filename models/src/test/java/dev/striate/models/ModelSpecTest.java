package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Parameter;
import dev.striate.core.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {
    @Test
    void withClassesChangesOnlyTheLayersWhoseOutIsClasses() {
        ModelSpec resnet = ModelSpecs.zoo("resnet18");
        ModelSpec ten = resnet.withClasses(10);
        assertEquals(10, ten.classes());
        Graph graph = ten.toGraph(1);
        assertEquals(Shape.of(10, 512), shape(graph, "fc.weight"));
        assertEquals(Shape.of(64, 3, 7, 7), shape(graph, "conv1.weight"));
        assertEquals(11_689_512 - 990 * 513, ModelSummary.of(ten, 1).totalParams());
        assertEquals(Shape.of(4096, 4096), shape(ModelSpecs.zoo("vgg11").withClasses(3).toGraph(1),
                "classifier.3.weight"));
    }

    @Test
    void withInputChangesTheInputShape() {
        ModelSpec small = ModelSpecs.zoo("resnet18").withInput(3, 64, 64);
        assertEquals(Shape.of(2, 512, 2, 2), small.toGraph(2).shapeOf("layer4.1.relu_1"));
        assertEquals(11_689_512, ModelSummary.of(small, 1).totalParams());
        assertThrows(SpecException.class, () -> ModelSpecs.zoo("lenet5").withInput(1, 0, 32));
    }

    @Test
    void jsonParsesBackIntoAnEqualSpec() {
        for (String name : ModelSpecs.zooNames()) {
            ModelSpec spec = ModelSpecs.zoo(name);
            assertEquals(spec, ModelSpecs.parse(spec.json(), "checkpoint"), name);
        }
        ModelSpec changed = ModelSpecs.zoo("shufflenet_v2_x0_5").withClasses(7).withInput(3, 96, 96);
        ModelSpec again = ModelSpecs.parse(changed.json(), "checkpoint");
        assertEquals(changed, again);
        assertEquals(7, again.classes());
        assertEquals(96, again.inputShape()[2]);
        assertNotEquals(ModelSpecs.zoo("shufflenet_v2_x0_5"), changed);
    }

    @Test
    void resolveReadsZooNamesAndFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.json");
        Files.writeString(file, """
                {"name": "tiny", "input": [1, 4, 4], "classes": 2,
                 "body": [{"type": "flatten"}, {"type": "linear", "out": "classes"}]}
                """);
        ModelSpec tiny = ModelSpecs.resolve(file.toString());
        assertEquals("tiny", tiny.name());
        assertEquals(file.toString(), tiny.source());
        assertEquals(34, ModelSummary.of(tiny, 1).totalParams());
        assertEquals("resnet50", ModelSpecs.resolve("resnet50").name());
    }

    @Test
    void batchMustBePositive() {
        assertThrows(SpecException.class, () -> ModelSpecs.zoo("lenet5").toGraph(0));
    }

    private static Shape shape(Graph graph, String parameter) {
        return graph.parameters().stream().filter(p -> p.name().equals(parameter)).map(p -> p.spec().shape())
                .findFirst().orElseThrow();
    }
}
