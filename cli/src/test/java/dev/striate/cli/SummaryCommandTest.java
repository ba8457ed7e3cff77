package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.backend.Backend;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.io.StateDicts;
import dev.striate.cpu.CpuBackend;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryCommandTest {
    @Test
    void runsForEveryZooModel() {
        for (String model : ModelSpecs.zooNames()) {
            CliRun result = CliRun.of("summary", model);
            assertEquals(0, result.status(), model + ": " + result.err());
            assertTrue(result.out().contains("Total params: "), model);
        }
    }

    @Test
    void printsTheTableAndTotals() {
        CliRun result = CliRun.of("summary", "resnet50");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("Total params: 25,557,032"), result.out());
        assertTrue(result.out().lines().anyMatch(l -> l.startsWith("layer1.0.downsample.0 ")), result.out());
        assertTrue(result.out().contains("Estimated Total Size (MB): "), result.out());
    }

    @Test
    void jsonHonoursInputAndBatch() throws Exception {
        CliRun result = CliRun.of("summary", "resnet18", "--input", "3,64,64", "--batch", "4", "--json");
        assertEquals(0, result.status(), result.err());
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertEquals("resnet18", json.get("model").asText());
        assertEquals(11_689_512, json.get("totalParams").asLong());
        assertEquals("[4,3,64,64]", json.get("input").toString());
        JsonNode last = json.get("layers").get(json.get("layers").size() - 1);
        assertEquals("fc", last.get("name").asText());
        assertEquals("[4,1000]", last.get("outputShape").toString());
        assertEquals(4L * 512 * 1000, last.get("macs").asLong());
    }

    @Test
    void userErrorsAreOneLineWithStatusTwo(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("net.json");
        Files.writeString(spec, "{\"name\": \"net\", \"input\": [3, 8, 8], \"classes\": 2,\n"
                + " \"body\": [{\"type\": \"conv2d\", \"out\": 4, \"kernel\": 3, \"strid\": 2}]}");
        String[][] cases = {
            {"summary", spec.toString()},
            {"summary", "resnt50"},
            {"summary", "lenet5", "--input", "1,28"},
            {"summary", "lenet5", "--batch", "0"},
            {"summary"},
        };
        String[] expected = {
            spec + ": body[0]: unknown attribute 'strid' of conv2d (did you mean 'stride'?)",
            "'resnt50' is neither a zoo model nor a file (did you mean 'resnet50'?)",
            "--input must be three positive whole numbers C,H,W",
            "--batch must be a whole number of at least 1",
            "expected one MODEL",
        };
        for (int i = 0; i < cases.length; i++) {
            CliRun result = CliRun.of(cases[i]);
            assertEquals(2, result.status(), String.join(" ", cases[i]));
            assertTrue(result.err().startsWith("striate summary: ") && result.err().contains(expected[i]),
                    result.err());
            assertEquals(1, result.err().lines().count(), result.err());
        }
    }

    @Test
    void weightsThatFitAreAcceptedAndOthersNamed(@TempDir Path dir) throws Exception {
        Path lenet = dir.resolve("lenet5.safetensors");
        Path other = dir.resolve("other.safetensors");
        try (Backend backend = new CpuBackend()) {
            saveWeights(ModelSpecs.resolve("lenet5"), backend, lenet);
            saveWeights(ModelSpecs.resolve("lenet5").withClasses(7), backend, other);
        }
        CliRun fits = CliRun.of("summary", "lenet5", "--weights", lenet.toString());
        assertEquals(0, fits.status(), fits.err());
        assertTrue(fits.err().contains("every tensor fits lenet5"), fits.err());

        CliRun wrong = CliRun.of("summary", "lenet5", "--weights", other.toString());
        assertEquals(2, wrong.status(), wrong.err());
        assertEquals(1, wrong.err().lines().count(), wrong.err());
        assertTrue(wrong.err().contains("does not fit model lenet5") && wrong.err().contains("11.weight")
                && wrong.err().contains("[7, 84]"), wrong.err());
    }

    private static void saveWeights(ModelSpec spec, Backend backend, Path file) {
        try (ParameterStore store = ParameterStore.initialize(spec.toGraph(1), backend, 3)) {
            StateDicts.saveFile(store, file, Map.of());
        }
    }
}
