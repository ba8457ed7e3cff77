package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every {@code json} example of docs/model-spec.md is a spec that parses and builds, and says what it claims. */
class ModelSpecDocsTest {
    private static final Path DOC = Path.of("..", "docs", "model-spec.md");
    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

    private static Map<String, ModelSpec> examples() throws IOException {
        Matcher m = JSON_BLOCK.matcher(Files.readString(DOC));
        Map<String, ModelSpec> specs = new LinkedHashMap<>();
        List<String> sources = new ArrayList<>();
        while (m.find()) {
            sources.add(m.group(1));
        }
        for (int i = 0; i < sources.size(); i++) {
            ModelSpec spec = ModelSpecs.parse(sources.get(i), "docs/model-spec.md example " + (i + 1));
            spec.toGraph(2);
            specs.put(spec.name(), spec);
        }
        return specs;
    }

    @Test
    void everyExampleParsesAndBuilds() throws IOException {
        Map<String, ModelSpec> specs = examples();
        assertEquals(List.of("lenet5", "residual_cifar", "resnet50", "vgg11_bn", "fire_cifar", "preact_cifar"),
                List.copyOf(specs.keySet()));
    }

    @Test
    void examplesAreWhatTheTextSaysTheyAre() throws IOException {
        Map<String, ModelSpec> specs = examples();
        assertEquals(ModelSpecs.zoo("lenet5"), specs.get("lenet5"));
        assertEquals(ModelSpecs.zoo("resnet50"), specs.get("resnet50"));
        assertEquals(132_868_840, ModelSummary.of(specs.get("vgg11_bn"), 1).totalParams());
        // By hand: stem 1,792; fire(64; 16, 64) 11,408; fire(128; 16, 64) 12,432; fire(128; 32, 128) 45,344;
        // fire(256; 32, 128) 49,440; classifier conv 2,570.
        assertEquals(122_986, ModelSummary.of(specs.get("fire_cifar"), 1).totalParams());
        List<String> fire = specs.get("fire_cifar").toGraph(1).nodes().stream().map(n -> n.name())
                .filter(n -> n.startsWith("features.2.")).toList();
        assertEquals(List.of("features.2.squeeze", "features.2.squeeze_activation", "features.2.expand1x1",
                "features.2.expand1x1_activation", "features.2.expand3x3", "features.2.expand3x3_activation",
                "features.2.cat"), fire);
        List<String> residual = specs.get("residual_cifar").toGraph(1).nodes().stream().map(n -> n.name()).toList();
        assertEquals(List.of("stem", "block.conv1", "block.bn1", "block.relu", "block.conv2", "block.bn2",
                "block.proj", "block.add", "block.relu_1", "pool", "flatten", "fc"), residual);
        assertTrue(specs.get("preact_cifar").toGraph(1).nodes().stream()
                .anyMatch(n -> n.name().equals("layer2.0.shortcut")));
    }
}
