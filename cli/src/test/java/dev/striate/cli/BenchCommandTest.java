package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.cuda.CudaBackendProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code striate bench} on the reference backend with small models, steps and batches: its numbers are consistent
 * with each other and with hand-counted MACs and bytes, the JSON has the reference script's keys, the table runs every
 * case, and user errors are one line. Speed itself is not asserted.
 */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE = Pattern.compile("striate (\\S+) batch=(\\d+) precision=(\\w+): ([0-9.]+)"
            + " images/s, step ([0-9.]+) ms, peak ([0-9.E-]+) GiB, ([0-9.E-]+) TFLOP/s");
    /**
     * Per image: conv 2 outputs x 4 x 4 positions x 9 taps = 288, linear 32 x 3 = 96: 384 MACs, so a training step of
     * one image does 3 x 384 x 2 = 2304 floating-point operations.
     */
    private static final long TINY_MACS = 384;
    /**
     * What a training step of the tiny model at batch 2 holds at least, in float64: the parameters (18 + 2 conv, 96 + 3
     * linear = 119) three times (value, gradient, momentum) and the inputs (32 images, 2 labels): 391 values of 8 bytes.
     */
    private static final long TINY_LEAST_BYTES = 391 * 8;
    /**
     * And at most: those, every node's output (conv, relu, flatten 64 each, linear 6, loss 1) and its gradient, 789
     * values with the plain executor (an executor that plans memory frees some earlier), and a few step results the
     * trainer reads back (the gradient norm, the predictions): under 800 values.
     */
    private static final long TINY_MOST_BYTES = 800 * 8;

    @TempDir
    static Path dir;
    static Path tiny;
    /**
     * A model whose activations need about 140 GB at batch 2 (11 outputs of 2 x 100000 x 64 x 64 values, each with
     * its gradient, 8 bytes each), which the memory estimate refuses before anything is allocated.
     */
    static Path huge;

    @BeforeAll
    static void writeSpecs() throws Exception {
        tiny = dir.resolve("tiny.json");
        Files.writeString(tiny, """
                {"name": "tiny", "input": [1, 4, 4], "classes": 3, "body": [
                  {"type": "conv2d", "out": 2, "kernel": 3, "padding": 1}, {"type": "relu"}, {"type": "flatten"},
                  {"type": "linear", "out": "classes"}]}
                """);
        huge = dir.resolve("huge.json");
        Files.writeString(huge, """
                {"name": "huge", "input": [1, 64, 64], "classes": 3, "body": [
                  {"type": "conv2d", "out": 100000, "kernel": 1},
                  {"type": "relu"}, {"type": "relu"}, {"type": "relu"}, {"type": "relu"}, {"type": "relu"},
                  {"type": "relu"}, {"type": "relu"}, {"type": "relu"}, {"type": "relu"}, {"type": "relu"},
                  {"type": "global_avg_pool"}, {"type": "flatten"}, {"type": "linear", "out": "classes"}]}
                """);
    }

    @Test
    void theTextLineMirrorsTheReferenceScripts() {
        CliRun run = CliRun.of("bench", "lenet5", "--device", "cpu", "--batch", "2", "--steps", "2", "--warmup", "1");
        assertEquals(Main.OK, run.status(), run.err());
        Matcher line = LINE.matcher(run.out().strip());
        assertTrue(line.matches(), run.out());
        assertEquals("lenet5", line.group(1));
        assertEquals("2", line.group(2));
        assertEquals("fp32", line.group(3));
        double imagesPerSecond = Double.parseDouble(line.group(4));
        double stepMillis = Double.parseDouble(line.group(5));
        assertEquals(2000 / stepMillis, imagesPerSecond, 0.05 + 2000 / stepMillis * 1e-3, run.out());
        assertTrue(Double.parseDouble(line.group(6)) > 0, run.out());
        assertTrue(Double.parseDouble(line.group(7)) > 0, run.out());
    }

    @Test
    void jsonHasTheReferenceKeysAndNumbersThatAgree() throws Exception {
        CliRun run = CliRun.of("bench", tiny.toString(), "--device", "cpu", "--batch", "2", "--steps", "3",
                "--warmup", "1", "--classes", "3", "--precision", "tf32", "--json");
        assertEquals(Main.OK, run.status(), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        JsonNode json = JSON.readTree(run.out());
        assertEquals(new TreeSet<>(Set.of("framework", "model", "batch", "precision", "size", "step_ms",
                "images_per_s", "peak_mem_gib", "gpu", "tflops")), fieldNames(json));
        assertTrue(json.get("framework").asText().startsWith("striate "), json.toString());
        assertEquals("tiny", json.get("model").asText());
        assertEquals(2, json.get("batch").asInt());
        assertEquals("tf32", json.get("precision").asText());
        assertEquals(4, json.get("size").asInt());
        assertTrue(json.get("gpu").asText().startsWith("cpu reference"), json.toString());
        double stepMillis = json.get("step_ms").asDouble();
        double imagesPerSecond = json.get("images_per_s").asDouble();
        assertTrue(stepMillis > 0 && imagesPerSecond > 0, json.toString());
        // step_ms is rounded to 0.001 ms and images_per_s to 0.1: the true step lies within 0.0005 of step_ms, so
        // 2000 / step_ms is off by at most 2000·0.0005 / (step_ms·(step_ms - 0.0005)).
        assertEquals(2000 / stepMillis, imagesPerSecond,
                0.05 + 2000 * 0.0005 / (stepMillis * (stepMillis - 0.0005)) + 1e-9, json.toString());
        // Four significant digits of each, and images_per_s rounded to 0.1.
        assertEquals(3.0 * TINY_MACS * 2 * imagesPerSecond / 1e12, json.get("tflops").asDouble(),
                3.0 * TINY_MACS * 2 * (imagesPerSecond * 1e-3 + 0.05) / 1e12, json.toString());
        double peakBytes = json.get("peak_mem_gib").asDouble() * (1L << 30);
        assertTrue(peakBytes >= TINY_LEAST_BYTES * (1 - 1e-3) && peakBytes <= TINY_MOST_BYTES, json.toString());
        assertTrue(run.err().contains("--precision tf32 applies on a GPU"), run.err());
    }

    @Test
    void theTableRunsEveryModelInEveryPrecisionAndSaysWhyACaseDidNotRun() throws Exception {
        CliRun run = table(List.of("lenet5", tiny.toString(), huge.toString()), "--table", "--device", "cpu",
                "--batch", "2", "--steps", "1", "--warmup", "0", "--classes", "3");
        assertEquals(Main.FAILED, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(10, lines.size(), run.out());
        assertTrue(lines.getFirst().matches("model +precision +batch +size +images/s +step ms +peak GiB +TFLOP/s"),
                run.out());
        String[] models = {"lenet5", "tiny", "huge"};
        String[] precisions = {"fp32", "tf32", "bf16"};
        for (int m = 0; m < models.length; m++) {
            for (int p = 0; p < precisions.length; p++) {
                String row = lines.get(1 + 3 * m + p);
                assertTrue(row.startsWith(String.format("%-14s %-9s %6d ", models[m], precisions[p], 2)), row);
                if (models[m].equals("huge")) {
                    assertTrue(row.contains("not run: the model needs about "), row);
                    assertTrue(row.endsWith("use a smaller --batch or --size"), row);
                } else {
                    assertTrue(row.matches(".* [0-9.]+ +[0-9.]+ +[0-9.E-]+ +[0-9.E-]+"), row);
                }
            }
        }
        // Each case's line goes to stderr as it finishes, and the precision notice once, not once per case.
        assertEquals(9, run.err().lines().filter(line -> line.startsWith("striate ")).count(), run.err());
        assertEquals(1, run.err().lines().filter(line -> line.contains("--precision tf32 applies on a GPU")).count(),
                run.err());
    }

    @Test
    void theJsonTableIsOneLinePerCaseAndExitsZeroWhenAllRan() throws Exception {
        CliRun run = table(List.of("lenet5", tiny.toString()), "--table", "--device", "cpu", "--batch", "2",
                "--steps", "1", "--warmup", "0", "--json");
        assertEquals(Main.OK, run.status(), run.err());
        List<String> cases = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            JsonNode json = JSON.readTree(line);
            assertTrue(json.get("images_per_s").asDouble() > 0, line);
            assertTrue(json.get("tflops").asDouble() > 0, line);
            cases.add(json.get("model").asText() + " " + json.get("precision").asText());
        }
        assertEquals(List.of("lenet5 fp32", "lenet5 tf32", "lenet5 bf16", "tiny fp32", "tiny tf32", "tiny bf16"),
                cases);
    }

    @Test
    void aCaseThatCannotRunIsAJsonLineWithItsReason() throws Exception {
        CliRun run = table(List.of(huge.toString()), "--table", "--device", "cpu", "--batch", "2", "--json");
        assertEquals(Main.FAILED, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.out());
        JsonNode json = JSON.readTree(lines.getFirst());
        assertEquals(new TreeSet<>(Set.of("framework", "model", "batch", "precision", "size", "error")),
                fieldNames(json));
        assertTrue(json.get("error").asText().startsWith("the model needs about "), json.toString());
    }

    @Test
    void aPrecisionTheBackendLacksAndAnInternalFailureAreRowsOfTheTable() throws Exception {
        CliRun run = table(List.of("lenet5"), "--table", "--device", PartialBackendProvider.NAME, "--batch", "2",
                "--steps", "1", "--warmup", "0");
        assertEquals(Main.FAILED, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(4, lines.size(), run.out());
        assertTrue(lines.get(1).matches("lenet5 +fp32 +2 +32 +[0-9.]+ +[0-9.]+ +[0-9.E-]+ +[0-9.E-]+"), lines.get(1));
        assertEquals(String.format("%-14s %-9s %6d %6d not run: internal error: java.lang.IllegalStateException:"
                + " planted failure of the tf32 kernels", "lenet5", "tf32", 2, 32), lines.get(2));
        assertEquals(String.format("%-14s %-9s %6d %6d not run: --precision bf16 is not available on partial yet;"
                + " use --precision fp32 or tf32", "lenet5", "bf16", 2, 32), lines.get(3));
        // Alone, the precision the backend lacks is a user error.
        assertOneLineError(CliRun.of("bench", "lenet5", "--device", PartialBackendProvider.NAME, "--precision",
                "bf16"), "--precision bf16 is not available on partial yet");
    }

    @Test
    void userErrorsAreOneLineWithStatusTwo() {
        String[][] cases = {
            {"bench", "resnt50", "--device", "cpu"},
            {"bench", "lenet5", "--device", "cpu", "--steps", "0"},
            {"bench", "lenet5", "--device", "cpu", "--warmup", "-1"},
            {"bench", "lenet5", "--device", "cpu", "--precision", "fp16"},
            {"bench", "lenet5", "--device", "tpu"},
            {"bench", "--device", "cpu"},
            {"bench", "lenet5", "--table", "--device", "cpu"},
            {"bench", "--table", "--precision", "bf16", "--device", "cpu"},
            {"bench", huge.toString(), "--device", "cpu", "--batch", "2"},
        };
        String[] expected = {
            "'resnt50' is neither a zoo model nor a file (did you mean 'resnet50'?)",
            "--steps must be a whole number of at least 1, got '0'",
            "--warmup must be a whole number of at least 0, got '-1'",
            "--precision must be one of fp32, tf32, bf16, got 'fp16'",
            "tpu",
            "expected one MODEL (a zoo name or a spec file), or --table",
            "--table runs resnet50, vgg16, mobilenet_v2; give no MODEL (got lenet5)",
            "--table runs every precision; leave out --precision",
            "use a smaller --batch or --size",
        };
        for (int i = 0; i < cases.length; i++) {
            assertOneLineError(CliRun.of(cases[i]), expected[i]);
        }
    }

    @Test
    void noGpuIsOneLineEvenForTheTable() {
        assumeTrue(new CudaBackendProvider().unavailableReason() != null, "this machine has a usable GPU");
        assertOneLineError(CliRun.of("bench", "lenet5", "--device", "cuda"), "--device cuda is not usable: ");
        assertOneLineError(CliRun.of("bench", "--table", "--device", "cuda"), "--device cuda is not usable: ");
    }

    private static void assertOneLineError(CliRun run, String expected) {
        assertEquals(Main.USER_ERROR, run.status(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("striate bench: ") && run.err().contains(expected), run.err());
        assertEquals("", run.out());
    }

    private static Set<String> fieldNames(JsonNode json) {
        Set<String> names = new TreeSet<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** {@code striate bench} with {@code models} in place of the three ImageNet models of {@code --table}. */
    private static CliRun table(List<String> models, String... arguments) throws Exception {
        BenchCommand command = new BenchCommand(models);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = command.run(DefaultParser.builder().build().parse(command.options(), arguments),
                new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), false));
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
