package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflow a new user comes for, through the jar: ImageNet-style resnet18 weights in torchvision's layout (a
 * 1000-class head, random values, saved without num_batches_tracked as older PyTorch did) classify two images by
 * model name; then fine-tuning on a 3-class folder with the backbone frozen leaves every backbone tensor as it was
 * and trains a new head; the export has torchvision's resnet18 names, dtypes and shapes. At 32x32 pixels, so that
 * the float64 reference backend runs it in seconds.
 */
class FineTuningWorkflowTest {
    private static final String FIXTURE = "/torchvision-resnet18-state-dict.txt";
    private static final List<String> CLASSES = List.of("circle", "stripes", "plain");

    @TempDir
    Path work;

    /** One line of the fixture: a tensor of torchvision's resnet18 state_dict. */
    private record Entry(String name, DType dtype, Shape shape) {
    }

    /** torchvision's resnet18 state_dict keys in its order, made once with torchvision (see the fixture's header). */
    private static List<Entry> torchvisionResnet18() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (InputStream in = FineTuningWorkflowTest.class.getResourceAsStream(FIXTURE)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(" ", -1);
                int[] dims = parts[2].isEmpty() ? new int[0]
                        : Arrays.stream(parts[2].split(",")).mapToInt(Integer::parseInt).toArray();
                entries.add(new Entry(parts[0], DType.valueOf(parts[1]), Shape.of(dims)));
            }
        }
        return entries;
    }

    /** Random float32 values (variances positive), every num_batches_tracked left out. */
    private static Map<String, HostTensor> imageNetLikeWeights(List<Entry> entries) {
        SplittableRandom random = new SplittableRandom(10);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (entry.dtype() != DType.F32) {
                continue;
            }
            double[] values = new double[(int) entry.shape().size()];
            for (int i = 0; i < values.length; i++) {
                double value = entry.name().endsWith("running_var") ? random.nextDouble(0.5, 1.5)
                        : random.nextDouble(-0.1, 0.1);
                values[i] = (float) value;
            }
            tensors.put(entry.name(), new HostTensor(DType.F32, entry.shape(), values));
        }
        return tensors;
    }

    /** 32x32 images of three kinds, with noise: a disc, vertical stripes, a flat colour. */
    private static void image(Path file, int kind, SplittableRandom random) throws IOException {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                boolean on = switch (kind) {
                    case 0 -> (x - 16) * (x - 16) + (y - 16) * (y - 16) < 100;
                    case 1 -> x / 4 % 2 == 0;
                    default -> false;
                };
                int level = Math.clamp((on ? 200 : 60) + random.nextInt(-30, 31), 0, 255);
                image.setRGB(x, y, level << 16 | level << 8 | (kind == 2 ? 200 : level));
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private Path threeClassFolder() throws IOException {
        Path data = work.resolve("data");
        SplittableRandom random = new SplittableRandom(3);
        for (int kind = 0; kind < 3; kind++) {
            for (int i = 0; i < 4; i++) {
                image(data.resolve("train").resolve(CLASSES.get(kind)).resolve(i + ".png"), kind, random);
            }
            for (int i = 0; i < 2; i++) {
                image(data.resolve("val").resolve(CLASSES.get(kind)).resolve(i + ".png"), kind, random);
            }
        }
        return data;
    }

    @Test
    void predictWithImageNetWeightsThenFineTuneWithAFrozenBackboneAndExport() throws Exception {
        List<Entry> torchvision = torchvisionResnet18();
        Map<String, HostTensor> pretrained = imageNetLikeWeights(torchvision);
        Path weights = work.resolve("resnet18-imagenet.safetensors");
        SafeTensors.write(weights, pretrained, Map.of("format", "pt"));
        Path data = threeClassFolder();

        Striate.Result predicted = Striate.run(work, 120, "predict", "resnet18", "--weights", weights.toString(),
                "--input", "3,32,32", data.resolve("val/circle/0.png").toString(),
                data.resolve("val/plain").toString(), "--top", "3", "--json", "--device", "cpu");
        assertEquals(0, predicted.exitCode(), predicted.toString());
        JsonNode results = new ObjectMapper().readTree(predicted.stdout());
        assertEquals(3, results.size(), "one named image and the two of the folder");
        for (JsonNode result : results) {
            assertEquals(3, result.get("predictions").size());
            for (JsonNode prediction : result.get("predictions")) {
                assertTrue(prediction.get("index").asInt() < 1000, prediction.toString());
                assertTrue(!prediction.get("class").asText().startsWith("class "), "ImageNet names: " + prediction);
            }
        }

        Path run = work.resolve("run");
        Striate.Result trained = Striate.run(work, 300, "train", "resnet18", "--weights", weights.toString(),
                "--data", data.toString(), "--input", "3,32,32", "--freeze", "backbone", "--epochs", "1",
                "--batch", "4", "--lr", "0.05", "--out", run.toString(), "--device", "cpu", "--workers", "1");
        assertEquals(0, trained.exitCode(), trained.toString());
        assertTrue(trained.stderr().contains("notice: fc.weight, fc.bias of " + weights + " do not fit the 3 classes"
                + " of --data"), trained.stderr());

        Map<String, HostTensor> after = SafeTensors.read(run.resolve("last").resolve("model.safetensors"));
        for (Map.Entry<String, HostTensor> tensor : pretrained.entrySet()) {
            if (!tensor.getKey().startsWith("fc.")) {
                assertArrayEquals(tensor.getValue().values(), after.get(tensor.getKey()).values(), 0,
                        tensor.getKey() + " is frozen");
            }
        }
        assertArrayEquals(new double[] {0}, after.get("layer1.0.bn1.num_batches_tracked").values(), 0,
                "a frozen batch norm does not count batches");
        assertEquals(Shape.of(3, 512), after.get("fc.weight").shape());

        Striate.Result resumed = Striate.run(work, 300, "train", "--resume", run.toString(), "--epochs", "2");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        Map<String, HostTensor> later = SafeTensors.read(run.resolve("last").resolve("model.safetensors"));
        assertNotEquals(Arrays.toString(after.get("fc.weight").values()),
                Arrays.toString(later.get("fc.weight").values()), "the head learns");
        assertArrayEquals(after.get("layer4.1.conv2.weight").values(), later.get("layer4.1.conv2.weight").values(), 0);

        Path names = Files.writeString(work.resolve("names.txt"), "round\nflat\nlined\n");
        Striate.Result renamed = Striate.run(work, 60, "predict", run.toString(),
                data.resolve("val/circle/0.png").toString(), "--classes", names.toString(), "--top", "3", "--json");
        assertEquals(0, renamed.exitCode(), renamed.toString());
        JsonNode ranked = new ObjectMapper().readTree(renamed.stdout()).get(0).get("predictions");
        for (JsonNode prediction : ranked) {
            assertEquals(List.of("round", "flat", "lined").get(prediction.get("index").asInt()),
                    prediction.get("class").asText(), "--classes names the outputs in order");
        }

        Path exported = work.resolve("fine-tuned.safetensors");
        Striate.Result export = Striate.run(work, 60, "export", run.toString(), "--out", exported.toString());
        assertEquals(0, export.exitCode(), export.toString());
        Map<String, HostTensor> file = SafeTensors.read(exported);
        assertEquals(torchvision.stream().map(Entry::name).toList(), List.copyOf(file.keySet()),
                "torchvision's names in its order");
        for (Entry entry : torchvision) {
            HostTensor tensor = file.get(entry.name());
            assertEquals(entry.dtype(), tensor.dtype(), entry.name());
            Shape expected = entry.name().equals("fc.weight") ? Shape.of(3, 512)
                    : entry.name().equals("fc.bias") ? Shape.of(3) : entry.shape();
            assertEquals(expected, tensor.shape(), entry.name());
        }
        assertEquals(CLASSES.stream().sorted().toList(), new ObjectMapper().readValue(
                SafeTensors.readMetadata(exported).get("classes"), List.class));

        Path half = work.resolve("fine-tuned-bf16.safetensors");
        Striate.Result exportHalf = Striate.run(work, 60, "export", run.toString(), "--out", half.toString(),
                "--dtype", "bf16");
        assertEquals(0, exportHalf.exitCode(), exportHalf.toString());
        assertEquals(DType.BF16, SafeTensors.read(half).get("conv1.weight").dtype());
        assertTrue(Files.size(half) < 0.6 * Files.size(exported), Files.size(half) + " vs " + Files.size(exported));
        Striate.Result again = Striate.run(work, 60, "export", run.toString(), "--out", half.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("exists; refusing to overwrite it"), again.stderr());
        Striate.Result badType = Striate.run(work, 60, "export", run.toString(), "--out", "x.safetensors", "--dtype",
                "f8");
        assertEquals(List.of("striate export: --dtype must be f32, bf16 or f16, got 'f8'"), badType.errorLines());
    }
}
