package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.train.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user gives that cannot work is refused before any work with exit status 2 and one line naming it, and
 * nothing of theirs is changed (issue 9: flags, run folders, weights, messages).
 */
class RefusedUpFrontTest {
    @TempDir
    static Path dir;
    static Path data;
    /** A finished one-epoch run of lenet5 on {@link #data}. */
    static Path run;

    @BeforeAll
    static void trainOneEpoch() throws IOException {
        data = TinyIdx.write(dir.resolve("idx"), 12, 6);
        run = dir.resolve("run");
        CliRun result = CliRun.of("train", "lenet5", "--data", data.toString(), "--epochs", "1", "--batch", "4",
                "--out", run.toString(), "--device", "cpu", "--workers", "1");
        assertEquals(Main.OK, result.status(), result.err());
    }

    /** The one line on stderr of a command that must fail with status 2. */
    private static String oneLineError(String... arguments) {
        CliRun result = CliRun.of(arguments);
        assertEquals(Main.USER_ERROR, result.status(), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
        return result.err().strip();
    }

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), "'" + part + "' in: " + text);
        }
    }

    @Test
    void aRepeatedFlagIsAnError() {
        assertContains(oneLineError("train", "lenet5", "--data", data.toString(), "--lr", "0.1", "--lr", "0.2",
                "--out", dir.resolve("repeated").toString()), "--lr is given twice (--lr 0.1, --lr 0.2)");
        assertFalse(Files.exists(dir.resolve("repeated")));
        assertContains(oneLineError("eval", run.toString(), "--data", data.toString(), "--json", "--json"),
                "--json is given twice");
    }

    @Test
    void anEvalTransformTooLargeToDecodeIsRefused() {
        assertContains(oneLineError("train", "lenet5", "--data", data.toString(), "--eval-transform",
                "{\"resize\": 100000}", "--out", dir.resolve("resize").toString()),
                "transform: resize 100000 is more than 8192 pixels a side");
        assertFalse(Files.exists(dir.resolve("resize")), "nothing made for a run that cannot start");
    }

    @Test
    void aBatchLargerThanTheDataIsOnePartialBatch() {
        Path out = dir.resolve("huge-batch");
        CliRun result = CliRun.of("train", "lenet5", "--data", data.toString(), "--epochs", "1", "--batch",
                "2147483647", "--out", out.toString(), "--device", "cpu", "--workers", "1");
        assertEquals(Main.OK, result.status(), result.err());
        assertTrue(result.out().startsWith("trained 1 epoch:"), result.out());
    }

    /**
     * 36 inputs -> 40,000, then 20 times 40,000 -> 40,000, then 2 classes: 36·40,000 + 40,000
     * + 20·(40,000² + 40,000) + 40,000·2 + 2 = 32,002,360,002 parameters, 238.4 GiB in float64, more than any test
     * machine's heap.
     */
    private static Path hugeSpec() throws IOException {
        return Files.writeString(dir.resolve("huge.json"), "{\"name\": \"huge\", \"input\": [1, 6, 6],"
                + " \"classes\": 2, \"body\": [{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 40000},"
                + " {\"type\": \"repeat\", \"n\": 20, \"body\": [{\"type\": \"linear\", \"out\": 40000}]},"
                + " {\"type\": \"linear\", \"out\": \"classes\"}]}");
    }

    @Test
    void aModelTooLargeForMemoryIsRefusedWithItsSize() throws IOException {
        Path out = dir.resolve("huge-run");
        String line = oneLineError("train", hugeSpec().toString(), "--data", data.toString(), "--out", out.toString(),
                "--device", "cpu");
        // With a gradient and SGD's momentum, 24 bytes a parameter: 768,056,640,048 bytes = 715.3 GiB.
        assertContains(line, "the model needs about 715.", "GiB for training (715.3 GiB parameters with gradients"
                + " and optimizer state", "MiB activations), more than the", "the cpu backend can use");
        assertFalse(Files.exists(out), "nothing made for a run that cannot start");
        String summary = oneLineError("summary", hugeSpec().toString(), "--weights",
                run.resolve("last").resolve("model.safetensors").toString());
        assertContains(summary, "the model needs about 238.4 GiB for evaluation (238.4 GiB parameters, ");
    }

    @Test
    void resumeOfAFileSaysSo() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertContains(oneLineError("train", "--resume", file.toString()), "notes.txt is a file; give the run folder");
    }

    @Test
    void resumeOfAFolderWhoseCheckpointHoldsAnotherModelIsRefused() throws IOException {
        Path mixed = dir.resolve("mixed");
        CliRun first = CliRun.of("train", "lenet5", "--data", data.toString(), "--epochs", "1", "--batch", "4",
                "--out", mixed.toString(), "--device", "cpu", "--workers", "1");
        assertEquals(Main.OK, first.status(), first.err());
        ObjectMapper json = new ObjectMapper();
        ObjectNode record = (ObjectNode) json.readTree(mixed.resolve(RunDirectory.CONFIG).toFile());
        ((ObjectNode) record.get("spec")).put("name", "resnet18");
        Files.writeString(mixed.resolve(RunDirectory.CONFIG), json.writeValueAsString(record));
        byte[] before = Files.readAllBytes(mixed.resolve("last").resolve("model.safetensors"));
        assertContains(oneLineError("train", "--resume", mixed.toString(), "--epochs", "2"),
                "holds the model 'lenet5' but its config.json records the model 'resnet18'");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(mixed.resolve("last")
                .resolve("model.safetensors"))), "the checkpoint is left as it was");
    }

    @Test
    void aRunFolderInUseIsRefusedNamingTheProcess() throws IOException {
        try (RunDirectory held = RunDirectory.existing(run)) {
            assertContains(oneLineError("train", "--resume", run.toString(), "--epochs", "2"),
                    "--resume " + run + " is in use by another striate process (pid " + ProcessHandle.current().pid()
                            + ")");
        }
        Path fresh = dir.resolve("fresh");
        try (RunDirectory held = RunDirectory.create(fresh)) {
            assertContains(oneLineError("train", "lenet5", "--data", data.toString(), "--out", fresh.toString()),
                    "--out " + fresh + " is in use by another striate process");
        }
    }

    @Test
    void evalOfWeightsHoldingNaNSaysSo() throws IOException {
        Map<String, HostTensor> weights = new LinkedHashMap<>(SafeTensors.read(run.resolve("last")
                .resolve("model.safetensors")));
        HostTensor first = weights.get("0.weight");
        double[] values = first.values().clone();
        values[3] = Double.NaN;
        weights.put("0.weight", new HostTensor(first.dtype(), first.shape(), values));
        Path file = dir.resolve("nan.safetensors");
        SafeTensors.write(file, weights, Map.of());
        assertContains(oneLineError("eval", "lenet5", "--weights", file.toString(), "--data", data.toString(),
                "--device", "auto"), "nan.safetensors: the weights hold NaN or infinite values (1 in '0.weight')");
    }

    @Test
    void aMissingImageWithANewlineInItsNameIsOneLine() {
        assertContains(oneLineError("predict", run.toString(), dir.resolve("no\nsuch.png").toString()),
                "no\\nsuch.png: no such image or folder");
    }
}
