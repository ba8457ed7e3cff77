package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.train.TrainingSettingKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir
    Path dir;

    /** Twelve 6x6 IDX images of two classes (dark and bright) for training and six for validation. */
    private Path tinyIdx() throws IOException {
        return TinyIdx.write(dir.resolve("idx"), 12, 6);
    }

    @Test
    void helpListsEveryFlagAConfigFileMayAlsoSet() {
        CliRun help = CliRun.of("train", "--help");
        assertEquals(Main.OK, help.status());
        for (String key : TrainingSettingKeys.names()) {
            if (!key.equals("model")) {
                assertTrue(help.out().contains("--" + key), key + " missing from\n" + help.out());
            }
        }
    }

    @Test
    void flagsWinOverTheConfigFileAndTheRunRecordsWhatWasUsed() throws IOException {
        Path config = Files.writeString(dir.resolve("train.json"),
                "{\"epochs\": 5, \"lr\": 0.1, \"batch\": 4, \"optimizer\": \"sgd\", \"momentum\": 0.5}");
        Path out = dir.resolve("run");
        CliRun result = CliRun.of("train", "lenet5", "--data", tinyIdx().toString(), "--config", config.toString(),
                "--epochs", "1", "--out", out.toString(), "--device", "cpu", "--workers", "1");
        assertEquals(Main.OK, result.status(), result.err());
        JsonNode record = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        JsonNode settings = record.get("settings");
        assertEquals(1, settings.get("epochs").asInt());
        assertEquals(0.1, settings.get("lr").asDouble(), 0);
        assertEquals(4, settings.get("batch").asInt());
        assertEquals(0.5, settings.get("momentum").asDouble(), 0);
        assertEquals("lenet5", record.get("spec").get("name").asText());
        assertEquals(2, record.get("spec").get("classes").asInt(), "the model's classes come from the data");
        assertEquals("bright", record.get("classes").get(1).asText());
        assertEquals(12, record.get("images").get("train").asInt());
        assertTrue(record.get("versions").has("java"));
        assertEquals(2, Files.readAllLines(out.resolve("metrics.csv")).size());
        assertTrue(result.out().startsWith("trained 1 epoch:"), result.out());

        CliRun again = CliRun.of("train", "--resume", out.toString(), "--epochs", "2", "--device", "cpu");
        assertEquals(Main.OK, again.status(), again.err());
        assertEquals(3, Files.readAllLines(out.resolve("metrics.csv")).size());
        CliRun done = CliRun.of("train", "--resume", out.toString(), "--epochs", "2");
        assertEquals(Main.OK, done.status(), done.err());
        assertTrue(done.out().startsWith("nothing to train"), done.out());

        Path weights = out.resolve("last").resolve("model.safetensors");
        CliRun warm = CliRun.of("train", "lenet5", "--data", tinyIdx().toString(), "--weights", weights.toString(),
                "--epochs", "1", "--out", dir.resolve("warm").toString(), "--device", "cpu");
        assertEquals(Main.OK, warm.status(), warm.err());
        Files.delete(dir.resolve("idx").resolve("classes.txt"));
        CliRun otherClasses = CliRun.of("train", "lenet5", "--data", dir.resolve("idx").toString(), "--weights",
                weights.toString(), "--out", dir.resolve("fine-tuned").toString(), "--device", "cpu", "--epochs", "1");
        assertEquals(Main.OK, otherClasses.status(), otherClasses.err());
        assertTrue(otherClasses.err().contains("notice: 11.weight, 11.bias of " + weights + " do not fit the 10"
                + " classes of --data; they start from fresh values"), otherClasses.err());
        CliRun evalOtherClasses = CliRun.of("eval", "lenet5", "--weights", weights.toString(), "--data",
                dir.resolve("idx").toString(), "--device", "cpu");
        assertEquals(Main.USER_ERROR, evalOtherClasses.status(), evalOtherClasses.err());
        assertTrue(evalOtherClasses.err().contains("was trained on 2 classes but --data has 10"),
                evalOtherClasses.err());
    }

    @Test
    void aRunsOwnConfigJsonStartsTheSameRunElsewhereAndInputAndPrecisionAreHonoured() throws IOException {
        Path first = dir.resolve("first");
        CliRun trained = CliRun.of("train", "lenet5", "--data", tinyIdx().toString(), "--epochs", "1", "--batch", "4",
                "--input", "1,36,36", "--precision", "bf16", "--out", first.toString(), "--device", "cpu");
        assertEquals(Main.OK, trained.status(), trained.err());
        assertTrue(trained.err().contains("notice: --precision bf16 applies on a GPU; the CPU reference backend"
                + " computes in float64"), trained.err());
        JsonNode record = new ObjectMapper().readTree(first.resolve("config.json").toFile());
        assertEquals("[1,36,36]", record.get("spec").get("input").toString());
        CliRun evaluated = CliRun.of("eval", "lenet5", "--weights", first.resolve("last/model.safetensors").toString(),
                "--input", "1,36,36", "--data", dir.resolve("idx").toString(), "--device", "cpu", "--json");
        assertEquals(Main.OK, evaluated.status(), evaluated.err());
        JsonNode evaluation = new ObjectMapper().readTree(evaluated.out());
        assertTrue(evaluation.has("precision") && evaluation.has("recall") && evaluation.has("f1"), evaluated.out());
        assertTrue(!evaluation.has("top5"), "two classes: no top-5");

        Path second = dir.resolve("second");
        CliRun again = CliRun.of("train", "--config", first.resolve("config.json").toString(), "--out",
                second.toString());
        assertEquals(Main.OK, again.status(), again.err());
        JsonNode settings = record.get("settings");
        JsonNode secondSettings = new ObjectMapper().readTree(second.resolve("config.json").toFile())
                .get("settings");
        for (String key : TrainingSettingKeys.names()) {
            if (!key.equals("out")) {
                assertEquals(settings.get(key), secondSettings.get(key), key);
            }
        }
        assertEquals(second.toString(), secondSettings.get("out").asText());
    }

    @Test
    void aTransformWhoseSizeDisagreesWithTheModelIsOneLineNamingTheFix() throws IOException {
        CliRun result = CliRun.of("train", "lenet5", "--data", tinyIdx().toString(), "--train-transform",
                "{\"size\": 64}", "--out", dir.resolve("run").toString(), "--device", "cpu");
        assertEquals(Main.USER_ERROR, result.status(), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().contains("--train-transform makes images of 1x64x64 but the model takes 1x")
                && result.err().contains("--input 1,64,64"), result.err());
        assertTrue(!Files.exists(dir.resolve("run")), "nothing is left behind");
    }
}
