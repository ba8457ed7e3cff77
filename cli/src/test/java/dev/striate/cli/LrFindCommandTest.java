package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LrFindCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheChartAndSuggestsARateWithoutTouchingTheWeightsFile() throws IOException {
        Path data = TinyIdx.write(dir.resolve("idx"), 40, 6);
        Path out = dir.resolve("lr");
        CliRun result = CliRun.of("lr-find", "lenet5", "--data", data.toString(), "--batch", "4", "--start", "1e-5",
                "--end", "1", "--steps", "8", "--optimizer", "sgd", "--device", "cpu", "--workers", "1", "--out",
                out.toString(), "--json");
        assertEquals(Main.OK, result.status(), result.err());
        JsonNode json = new ObjectMapper().readTree(result.out());
        JsonNode rates = json.get("rates");
        assertTrue(rates.size() >= 2 && rates.size() <= 8, result.out());
        assertEquals(1e-5, rates.get(0).asDouble(), 1e-15);
        // 8 steps from 1e-5 to 1: each rate 10^(5/7) times the one before
        assertEquals(1e-5 * Math.pow(10, 5.0 / 7), rates.get(1).asDouble(), 1e-15);
        assertTrue(json.get("suggested").isNumber(), result.out());
        assertTrue(Files.size(out.resolve("lr_find.png")) > 0);

        CliRun again = CliRun.of("lr-find", "lenet5", "--data", data.toString(), "--device", "cpu", "--out",
                out.toString());
        assertEquals(Main.USER_ERROR, again.status());
        assertTrue(again.err().contains("lr_find.png exists; refusing to overwrite it"), again.err());
        CliRun backwards = CliRun.of("lr-find", "lenet5", "--data", data.toString(), "--start", "1", "--end", "1e-3",
                "--out", dir.resolve("other").toString());
        assertEquals(Main.USER_ERROR, backwards.status());
        assertTrue(backwards.err().contains("--end must be above --start"), backwards.err());
        assertFalse(Files.exists(dir.resolve("other")));
    }
}
