package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Parameter;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Parameter and buffer names equal torchvision's state_dict keys, so weights move between Striate and PyTorch.
 * The expected key lists are written out here from torchvision's module structure, not taken from the builder.
 */
class TorchvisionNamesTest {
    private static final List<String> BN = List.of("weight", "bias", "running_mean", "running_var",
            "num_batches_tracked");

    private static Map<String, Shape> parameters(String model) {
        Graph graph = ModelSpecs.zoo(model).toGraph(1);
        return graph.parameters().stream().collect(Collectors.toMap(Parameter::name, p -> p.spec().shape()));
    }

    private static void batchNorm(List<String> keys, String prefix) {
        BN.forEach(suffix -> keys.add(prefix + "." + suffix));
    }

    @Test
    void resnet18HasExactlyTorchvisionsStateDictKeys() {
        List<String> keys = new ArrayList<>(List.of("conv1.weight"));
        batchNorm(keys, "bn1");
        for (int layer = 1; layer <= 4; layer++) {
            for (int block = 0; block < 2; block++) {
                String prefix = "layer" + layer + "." + block;
                keys.add(prefix + ".conv1.weight");
                batchNorm(keys, prefix + ".bn1");
                keys.add(prefix + ".conv2.weight");
                batchNorm(keys, prefix + ".bn2");
                if (layer > 1 && block == 0) {
                    keys.add(prefix + ".downsample.0.weight");
                    batchNorm(keys, prefix + ".downsample.1");
                }
            }
        }
        keys.add("fc.weight");
        keys.add("fc.bias");
        Map<String, Shape> actual = parameters("resnet18");
        assertEquals(122, keys.size());
        assertEquals(new TreeSet<>(keys), new TreeSet<>(actual.keySet()));
        assertEquals(Shape.of(64, 3, 7, 7), actual.get("conv1.weight"));
        assertEquals(Shape.of(64, 64, 3, 3), actual.get("layer1.0.conv1.weight"));
        assertEquals(Shape.of(128, 64, 1, 1), actual.get("layer2.0.downsample.0.weight"));
        assertEquals(Shape.of(128), actual.get("layer2.0.downsample.1.running_mean"));
        assertEquals(Shape.scalar(), actual.get("bn1.num_batches_tracked"));
        assertEquals(Shape.of(1000, 512), actual.get("fc.weight"));
    }

    @Test
    void vgg16BnHasExactlyTorchvisionsStateDictKeys() {
        int[] convs = {0, 3, 7, 10, 14, 17, 20, 24, 27, 30, 34, 37, 40};
        List<String> keys = new ArrayList<>();
        for (int conv : convs) {
            keys.add("features." + conv + ".weight");
            keys.add("features." + conv + ".bias");
            batchNorm(keys, "features." + (conv + 1));
        }
        for (int linear : new int[] {0, 3, 6}) {
            keys.add("classifier." + linear + ".weight");
            keys.add("classifier." + linear + ".bias");
        }
        Map<String, Shape> actual = parameters("vgg16_bn");
        assertEquals(new TreeSet<>(keys), new TreeSet<>(actual.keySet()));
        assertEquals(Shape.of(512, 512, 3, 3), actual.get("features.40.weight"));
        assertEquals(Shape.of(512), actual.get("features.41.running_var"));
        assertEquals(Shape.of(4096, 25088), actual.get("classifier.0.weight"));
        assertEquals(Shape.of(1000), actual.get("classifier.6.bias"));
    }

    @Test
    void mobilenetV2HasExactlyTorchvisionsStateDictKeys() {
        List<String> keys = new ArrayList<>(List.of("features.0.0.weight"));
        batchNorm(keys, "features.0.1");
        keys.add("features.1.conv.0.0.weight");
        batchNorm(keys, "features.1.conv.0.1");
        keys.add("features.1.conv.1.weight");
        batchNorm(keys, "features.1.conv.2");
        for (int block = 2; block <= 17; block++) {
            String prefix = "features." + block + ".conv.";
            keys.add(prefix + "0.0.weight");
            batchNorm(keys, prefix + "0.1");
            keys.add(prefix + "1.0.weight");
            batchNorm(keys, prefix + "1.1");
            keys.add(prefix + "2.weight");
            batchNorm(keys, prefix + "3");
        }
        keys.add("features.18.0.weight");
        batchNorm(keys, "features.18.1");
        keys.add("classifier.1.weight");
        keys.add("classifier.1.bias");
        Map<String, Shape> actual = parameters("mobilenet_v2");
        assertEquals(314, keys.size());
        assertEquals(new TreeSet<>(keys), new TreeSet<>(actual.keySet()));
        assertEquals(Shape.of(32, 1, 3, 3), actual.get("features.1.conv.0.0.weight"));
        assertEquals(Shape.of(96, 16, 1, 1), actual.get("features.2.conv.0.0.weight"));
        assertEquals(Shape.of(96, 1, 3, 3), actual.get("features.2.conv.1.0.weight"));
        assertEquals(Shape.of(320, 960, 1, 1), actual.get("features.17.conv.2.weight"));
        assertEquals(Shape.of(1280, 320, 1, 1), actual.get("features.18.0.weight"));
        assertEquals(Shape.of(1000, 1280), actual.get("classifier.1.weight"));
    }

    @Test
    void otherTorchvisionModelsUseTorchvisionsWellKnownKeys() {
        Map<String, Shape> resnet50 = parameters("resnet50");
        assertEquals(Shape.of(64, 64, 1, 1), resnet50.get("layer1.0.conv1.weight"));
        assertEquals(Shape.of(256, 64, 1, 1), resnet50.get("layer1.0.conv3.weight"));
        assertEquals(Shape.of(256, 64, 1, 1), resnet50.get("layer1.0.downsample.0.weight"));
        assertEquals(Shape.of(2048, 1024, 1, 1), resnet50.get("layer4.0.downsample.0.weight"));
        assertEquals(Shape.of(2048), resnet50.get("layer4.2.bn3.running_mean"));

        Map<String, Shape> resnext = parameters("resnext50_32x4d");
        assertEquals(Shape.of(128, 4, 3, 3), resnext.get("layer1.0.conv2.weight"));
        assertEquals(Shape.of(1024, 32, 3, 3), resnext.get("layer4.0.conv2.weight"));

        Map<String, Shape> alexnet = parameters("alexnet");
        assertEquals(Shape.of(64, 3, 11, 11), alexnet.get("features.0.weight"));
        assertEquals(Shape.of(256, 256, 3, 3), alexnet.get("features.10.weight"));
        assertEquals(Shape.of(4096, 9216), alexnet.get("classifier.1.weight"));
        assertEquals(Shape.of(1000), alexnet.get("classifier.6.bias"));

        Map<String, Shape> googlenet = parameters("googlenet");
        assertEquals(Shape.of(64, 3, 7, 7), googlenet.get("conv1.conv.weight"));
        assertEquals(Shape.of(64), googlenet.get("conv1.bn.running_mean"));
        assertEquals(Shape.of(64, 192, 1, 1), googlenet.get("inception3a.branch1.conv.weight"));
        assertEquals(Shape.of(128, 96, 3, 3), googlenet.get("inception3a.branch2.1.conv.weight"));
        assertEquals(Shape.of(32, 16, 3, 3), googlenet.get("inception3a.branch3.1.conv.weight"));
        assertEquals(Shape.of(32), googlenet.get("inception3a.branch4.1.bn.bias"));
        assertEquals(Shape.of(1000, 1024), googlenet.get("fc.weight"));

        Map<String, Shape> shufflenet = parameters("shufflenet_v2_x1_0");
        assertEquals(Shape.of(24, 3, 3, 3), shufflenet.get("conv1.0.weight"));
        assertEquals(Shape.of(24, 1, 3, 3), shufflenet.get("stage2.0.branch1.0.weight"));
        assertEquals(Shape.of(58, 24, 1, 1), shufflenet.get("stage2.0.branch1.2.weight"));
        assertEquals(Shape.of(58, 24, 1, 1), shufflenet.get("stage2.0.branch2.0.weight"));
        assertEquals(Shape.of(58, 1, 3, 3), shufflenet.get("stage2.3.branch2.3.weight"));
        assertFalse(shufflenet.containsKey("stage4.3.branch2.7.weight"), "branch2.7 is a ReLU");
        assertEquals(Shape.of(232), shufflenet.get("stage4.3.branch2.6.running_var"));
        assertEquals(Shape.of(1024, 464, 1, 1), shufflenet.get("conv5.0.weight"));
        assertEquals(Shape.of(1000, 1024), shufflenet.get("fc.weight"));
    }
}
