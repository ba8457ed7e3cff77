package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {
    @TempDir
    Path dir;

    private CliRun sweep(Path data, Path out, String search, String... more) {
        List<String> arguments = new ArrayList<>(List.of("sweep", "lenet5", "--data", data.toString(),
                "--batch", "4", "--search", search, "--device", "cpu", "--workers",
                "1", "--out", out.toString()));
        arguments.addAll(List.of(more));
        return CliRun.of(arguments.toArray(String[]::new));
    }

    @Test
    void pruningStopsATrialBelowTheMedianAndTheBestSettingsAreATrainConfig() throws IOException {
        Path data = TinyIdx.write(dir.resolve("idx"), 40, 6);
        Path out = dir.resolve("sweep");
        // Seed 17 draws lr 0.05 for trials 1 to 3, which separate dark from bright within an epoch, and 1e-10 for
        // trial 4, which leaves it at chance (0.5) after epoch 1: below the median 1.0 of the three before it.
        CliRun result = sweep(data, out, "lr=0.05|0.0000000001", "--prune", "--seed", "17", "--trials", "4",
                "--epochs", "2");
        assertEquals(Main.OK, result.status(), result.err());
        assertTrue(result.err().contains("below the median 1.0000 of 3 earlier trials after epoch 1"), result.err());
        for (int trial = 1; trial <= 4; trial++) {
            JsonNode record = new ObjectMapper().readTree(out.resolve("trial-00" + trial).resolve("trial.json")
                    .toFile());
            assertEquals(trial == 4 ? "pruned" : "finished", record.get("status").asText(), record.toString());
            assertEquals(trial == 4 ? 1 : 2, record.get("validationTop1").size(), record.toString());
        }
        assertTrue(result.out().contains("val acc: 0.500000, lr: 0.0000000001, (4 / 4)"), result.out());
        JsonNode best = new ObjectMapper().readTree(out.resolve("best.json").toFile());
        assertFalse(best.has("out"), "a config for a new run names no run folder");
        assertEquals(0.05, best.get("lr").asDouble(), 0);
        assertEquals(5, Files.readAllLines(out.resolve("sweep.csv")).size());
    }

    @Test
    void badSearchValuesAndOtherSettingsStopBeforeAnyTrial() throws IOException {
        Path data = TinyIdx.write(dir.resolve("idx"), 12, 6);
        Path out = dir.resolve("sweep");
        CliRun nadam = sweep(data, out, "optimizer=sgd|nadam", "--trials", "1");
        assertEquals(Main.USER_ERROR, nadam.status());
        assertTrue(nadam.err().contains("nadam"), nadam.err());
        assertFalse(Files.exists(out));
        CliRun both = sweep(data, out, "lr=1e-3:1e-1:log", "--lr", "0.1", "--trials", "1");
        assertEquals(Main.USER_ERROR, both.status());
        assertTrue(both.err().contains("--lr is also searched"), both.err());

        CliRun first = sweep(data, out, "lr=1e-3:1e-1:log", "--trials", "1", "--epochs", "1");
        assertEquals(Main.OK, first.status(), first.err());
        CliRun other = sweep(data, out, "lr=1e-3:1e-1:log", "--trials", "1", "--epochs", "1", "--seed", "5");
        assertEquals(Main.USER_ERROR, other.status());
        assertTrue(other.err().contains("holds a sweep started with other settings (settings.seed differ"),
                other.err());
    }
}
