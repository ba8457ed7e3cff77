package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.models.ModelSpecs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryCommandTest {
    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runsForEveryZooModel() {
        for (String model : ModelSpecs.zooNames()) {
            Result result = run("summary", model);
            assertEquals(0, result.status(), model + ": " + result.err());
            assertTrue(result.out().contains("Total params: "), model);
        }
    }

    @Test
    void printsTheTableAndTotals() {
        Result result = run("summary", "resnet50");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("Total params: 25,557,032"), result.out());
        assertTrue(result.out().lines().anyMatch(l -> l.startsWith("layer1.0.downsample.0 ")), result.out());
        assertTrue(result.out().contains("Estimated Total Size (MB): "), result.out());
    }

    @Test
    void jsonHonoursInputAndBatch() throws Exception {
        Result result = run("summary", "resnet18", "--input", "3,64,64", "--batch", "4", "--json");
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
            Result result = run(cases[i]);
            assertEquals(2, result.status(), String.join(" ", cases[i]));
            assertTrue(result.err().startsWith("striate summary: ") && result.err().contains(expected[i]),
                    result.err());
            assertEquals(1, result.err().lines().count(), result.err());
        }
    }
}
