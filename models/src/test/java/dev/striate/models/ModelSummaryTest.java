package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {
    /** A row's type, output shape and parameters, as the issue lists LeNet-5's. */
    private record Expected(String type, Shape shape, long params) {
    }

    @Test
    void lenet5RowsHaveTheListedShapesAndParameters() {
        ModelSummary summary = ModelSummary.of(ModelSpecs.zoo("lenet5"), 1);
        List<Expected> expected = List.of(
                new Expected("conv2d", Shape.of(1, 6, 28, 28), 156),
                new Expected("max_pool2d", Shape.of(1, 6, 14, 14), 0),
                new Expected("conv2d", Shape.of(1, 16, 10, 10), 2_416),
                new Expected("max_pool2d", Shape.of(1, 16, 5, 5), 0),
                new Expected("conv2d", Shape.of(1, 120, 1, 1), 48_120),
                new Expected("linear", Shape.of(1, 84), 10_164),
                new Expected("linear", Shape.of(1, 10), 850));
        List<Expected> actual = summary.rows().stream()
                .filter(r -> List.of("conv2d", "max_pool2d", "linear").contains(r.type()))
                .map(r -> new Expected(r.type(), r.outputShape(), r.params())).toList();
        assertEquals(expected, actual);
        assertEquals(61_706, summary.totalParams());
        assertEquals(12, summary.rows().size(), "every layer has a row, ReLUs and flatten included");
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"),
                summary.rows().stream().map(SummaryRow::name).toList());
    }

    @Test
    void lenet5ReceptiveFieldsAndStridesFollowTheRecurrence() {
        ModelSummary summary = ModelSummary.of(ModelSpecs.zoo("lenet5"), 1);
        // conv 5 (r 5, j 1), pool 2 (r 6, j 2), conv 5 (r 6 + 4·2 = 14), pool 2 (r 16, j 4),
        // conv 5 (r 16 + 4·4 = 32).
        assertEquals(new ReceptiveField(5, 5, 1, 1), summary.rows().get(0).receptiveField());
        assertEquals(new ReceptiveField(6, 6, 2, 2), summary.rows().get(2).receptiveField());
        assertEquals(new ReceptiveField(14, 14, 2, 2), summary.rows().get(3).receptiveField());
        assertEquals(new ReceptiveField(16, 16, 4, 4), summary.rows().get(5).receptiveField());
        assertEquals(new ReceptiveField(32, 32, 4, 4), summary.rows().get(6).receptiveField());
    }

    @Test
    void lenet5MacsAreCountedByHand() {
        ModelSummary summary = ModelSummary.of(ModelSpecs.zoo("lenet5"), 2);
        // Per image: 6·28·28·25 + 16·10·10·150 + 120·400 + 84·120 + 10·84
        //          = 117600 + 240000 + 48000 + 10080 + 840.
        assertEquals(2 * 416_520L, summary.macs());
        assertEquals(2 * 117_600L, summary.rows().getFirst().macs());
    }

    @Test
    void resnet50MacsAreWithinTwoPercentOfFourPointOneGiga() {
        long macs = ModelSummary.of(ModelSpecs.zoo("resnet50"), 1).macs();
        assertEquals(4.1e9, macs, 0.02 * 4.1e9, "resnet50 MACs " + macs);
    }

    /**
     * {@code striate bench} reports TFLOP/s from these counts, so they must be the published ones: torchvision's model
     * pages give 4.09, 15.47 and 0.30 GFLOPS (multiply-accumulates, as fvcore counts them) for one 224x224 image.
     */
    @Test
    void theBenchmarkModelsHaveTorchvisionsPublishedMacs() {
        assertEquals(4.09e9, ModelSummary.of(ModelSpecs.zoo("resnet50"), 1).macs(), 0.005e9);
        assertEquals(15.47e9, ModelSummary.of(ModelSpecs.zoo("vgg16"), 1).macs(), 0.005e9);
        assertEquals(0.30e9, ModelSummary.of(ModelSpecs.zoo("mobilenet_v2"), 1).macs(), 0.005e9);
    }

    @Test
    void sizesFollowTorchsummary() {
        ModelSummary summary = ModelSummary.of(ModelSpecs.zoo("lenet5"), 1);
        assertEquals(1024 * 4 / 1048576.0, summary.inputSizeMb(), 1e-12);
        assertEquals(61_706 * 4 / 1048576.0, summary.paramsSizeMb(), 1e-12);
        // Outputs per layer: 4704 ·2 (conv, relu) + 1176 + 1600 ·2 + 400 + 120 ·3 (conv, relu, flatten)
        // + 84 ·2 + 10 = 14,722 floats, counted twice (forward and backward).
        assertEquals(2 * 14_722 * 4 / 1048576.0, summary.forwardBackwardSizeMb(), 1e-12);
        assertEquals(summary.inputSizeMb() + summary.paramsSizeMb() + summary.forwardBackwardSizeMb(),
                summary.totalSizeMb(), 1e-12);
    }

    @Test
    void batchNormStatisticsAreBuffersNotParameters() {
        ModelSummary summary = ModelSummary.of(ModelSpecs.zoo("resnet18"), 1);
        // 20 batch norms: running mean and variance per channel plus num_batches_tracked.
        long channels = 64 + 4 * 64 + 4 * 128 + 4 * 256 + 4 * 512 + 128 + 256 + 512;
        assertEquals(2 * channels + 20, summary.buffers());
        assertEquals(11_689_512, summary.totalParams());
        assertEquals(0, summary.nonTrainableParams());
    }

    @Test
    void textShowsTheRowsTotalsAndSizes() {
        String text = ModelSummary.of(ModelSpecs.zoo("lenet5"), 1).toText();
        assertTrue(text.contains("Total params: 61,706"), text);
        assertTrue(text.contains("Trainable params: 61,706"), text);
        assertTrue(text.contains("Non-trainable params: 0"), text);
        assertTrue(text.contains("Params size (MB): 0.24"), text);
        assertTrue(text.contains("Estimated Total Size (MB):"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("9\\s+linear\\s+\\[1, 84]\\s+10,164\\s+10,080\\s+32\\s+4")),
                text);
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ModelSummary.of(ModelSpecs.zoo("lenet5"), 1).toJson());
        assertEquals("lenet5", json.get("model").asText());
        assertEquals(61_706, json.get("totalParams").asLong());
        assertEquals(61_706, json.get("trainableParams").asLong());
        assertEquals(416_520, json.get("macs").asLong());
        assertEquals(12, json.get("layers").size());
        JsonNode conv = json.get("layers").get(0);
        assertEquals("0", conv.get("name").asText());
        assertEquals("conv2d", conv.get("type").asText());
        assertEquals("[1,6,28,28]", conv.get("outputShape").toString());
        assertEquals(156, conv.get("params").asLong());
        assertEquals(117_600, conv.get("macs").asLong());
        assertEquals(5, conv.get("receptiveField").asInt());
        assertEquals(0, json.get("warnings").size());
    }

    @Test
    void graphWarningsAreListed() {
        // On 33x33 the first conv gives 29x29 and the 2x2 pool never reads row and column 28.
        ModelSummary summary = ModelSummary.of(ModelSpecs.zoo("lenet5").withInput(1, 33, 33), 1);
        assertTrue(summary.warnings().stream().anyMatch(w -> w.startsWith("2: input rows 28 are never read")),
                summary.warnings().toString());
        assertTrue(summary.toText().contains("Warnings:"));
    }
}
