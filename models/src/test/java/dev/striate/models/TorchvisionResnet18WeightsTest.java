package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.io.StateDicts;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A safetensors file laid out as torchvision's {@code resnet18().state_dict()}, written here from torchvision's
 * source (not from the zoo), loads into the zoo's resnet18 without a single mismatch.
 */
class TorchvisionResnet18WeightsTest {
    @TempDir
    Path dir;

    /** torchvision.models.resnet18's state_dict: names, shapes and dtypes in its order, values made up. */
    private static LinkedHashMap<String, HostTensor> torchvisionResnet18() {
        LinkedHashMap<String, HostTensor> state = new LinkedHashMap<>();
        conv(state, "conv1", 64, 3, 7);
        batchNorm(state, "bn1", 64);
        int inChannels = 64;
        int[] widths = {64, 128, 256, 512};
        for (int layer = 0; layer < 4; layer++) {
            int width = widths[layer];
            for (int block = 0; block < 2; block++) {
                String prefix = "layer" + (layer + 1) + "." + block + ".";
                conv(state, prefix + "conv1", width, block == 0 ? inChannels : width, 3);
                batchNorm(state, prefix + "bn1", width);
                conv(state, prefix + "conv2", width, width, 3);
                batchNorm(state, prefix + "bn2", width);
                if (block == 0 && layer > 0) {
                    conv(state, prefix + "downsample.0", width, inChannels, 1);
                    batchNorm(state, prefix + "downsample.1", width);
                }
            }
            inChannels = width;
        }
        put(state, "fc.weight", DType.F32, 1000, 512);
        put(state, "fc.bias", DType.F32, 1000);
        return state;
    }

    private static void conv(Map<String, HostTensor> state, String name, int out, int in, int kernel) {
        put(state, name + ".weight", DType.F32, out, in, kernel, kernel);
    }

    private static void batchNorm(Map<String, HostTensor> state, String name, int channels) {
        for (String suffix : new String[] {"weight", "bias", "running_mean", "running_var"}) {
            put(state, name + "." + suffix, DType.F32, channels);
        }
        put(state, name + ".num_batches_tracked", DType.I64);
    }

    /** Values that tell tensors and positions apart and are exact in F32: (tensor index + i mod 97 / 64). */
    private static void put(Map<String, HostTensor> state, String name, DType dtype, int... dims) {
        Shape shape = Shape.of(dims);
        double[] values = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = dtype == DType.I64 ? state.size() : state.size() + (i % 97) / 64.0;
        }
        state.put(name, new HostTensor(dtype, shape, values));
    }

    @Test
    void theLayoutWrittenHereIsTorchvisionsResnet18() {
        LinkedHashMap<String, HostTensor> state = torchvisionResnet18();
        long trainable = state.entrySet().stream()
                .filter(e -> !e.getKey().contains("running_") && !e.getKey().endsWith("num_batches_tracked"))
                .mapToLong(e -> e.getValue().shape().size()).sum();
        assertEquals(122, state.size(), "len(resnet18().state_dict())");
        assertEquals(11_689_512, trainable, "sum(p.numel() for p in resnet18().parameters())");
    }

    @Test
    void aTorchvisionResnet18FileLoadsIntoTheZoosResnet18() {
        LinkedHashMap<String, HostTensor> state = torchvisionResnet18();
        Path file = dir.resolve("resnet18.safetensors");
        SafeTensors.write(file, state, Map.of("format", "pt"));
        Graph graph = ModelSpecs.resolve("resnet18").toGraph(1);

        try (CpuBackend backend = new CpuBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 0)) {
            StateDicts.loadFile(store, file, "resnet18");

            assertEquals(state.keySet(), Set.copyOf(store.names()));
            for (String name : new String[] {"conv1.weight", "bn1.num_batches_tracked", "layer1.0.conv1.weight",
                    "layer2.0.downsample.0.weight", "layer3.1.bn2.running_var", "layer4.0.downsample.1.bias",
                    "fc.weight", "fc.bias"}) {
                double[] expected = state.get(name).values();
                double[] actual = store.read(name);
                assertEquals(expected.length, actual.length, name);
                for (int i : new int[] {0, expected.length / 2, expected.length - 1}) {
                    assertEquals(expected[i], actual[i], 0, name + "[" + i + "], exact: F32 values in F32");
                }
            }
        }
    }
}
