package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep of 4 one-epoch trials on 320 images of the shipped subset, killed once two trials are over, then run again:
 * the finished trials are skipped, not trained again, the rest run, the reports appear, and the best trial's settings
 * train through {@code train --config}.
 */
class SweepTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    Path work;

    private String[] sweep(Path data, Path out) {
        return new String[] {"sweep", "lenet5", "--data", data.toString(), "--trials", "4", "--epochs", "1",
                "--batch", "32", "--search", "lr=1e-3:1e-1:log,momentum=0.5|0.9", "--seed", "3", "--device", "cpu",
                "--workers", "2", "--out", out.toString()};
    }

    @Test
    void anInterruptedSweepResumesWithoutRepeatingAFinishedTrial() throws Exception {
        Path data = SmallFashionMnist.write(work.resolve("data"), 320, 80);
        Path out = work.resolve("sweep");
        Path log = work.resolve("first.log");
        Path firstOut = work.resolve("first.out");
        Process process = Striate.start(work, firstOut, log, sweep(data, out));
        Striate.waitFor(log, "trial 3 / 4:", process);
        process.destroyForcibly().waitFor();
        Path trial1 = out.resolve("trial-001");
        byte[] metricsBefore = Files.readAllBytes(trial1.resolve("metrics.jsonl"));
        FileTime checkpointBefore = Files.getLastModifiedTime(trial1.resolve("last").resolve("model.safetensors"));
        assertTrue(Files.exists(out.resolve("trial-002").resolve("trial.json")));
        assertFalse(Files.exists(out.resolve("sweep.csv")), "killed before the end");
        List<String> firstLines = Files.readAllLines(firstOut).stream().filter(l -> l.startsWith("val acc:")).toList();
        assertEquals(2, firstLines.size(), String.join("\n", firstLines));

        Striate.Result again = Striate.run(work, 300, sweep(data, out));
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("trial 1 / 4 finished earlier: skipped"), again.stderr());
        assertTrue(again.stderr().contains("trial 2 / 4 finished earlier: skipped"), again.stderr());
        assertFalse(again.stderr().contains("trial 1 / 4: {"), "trial 1 ran again:\n" + again.stderr());
        assertFalse(again.stderr().contains("trial 2 / 4: {"), "trial 2 ran again:\n" + again.stderr());
        assertTrue(again.stderr().contains("trial 4 / 4: {"), again.stderr());
        assertArrayEquals(metricsBefore, Files.readAllBytes(trial1.resolve("metrics.jsonl")));
        assertEquals(checkpointBefore, Files.getLastModifiedTime(trial1.resolve("last").resolve("model.safetensors")));
        List<String> lines = again.stdout().lines().filter(l -> l.startsWith("val acc:")).toList();
        assertEquals(4, lines.size(), again.stdout());
        assertEquals(firstLines, lines.subList(0, 2), "the same seed drew the same trials");
        for (int k = 1; k <= 4; k++) {
            assertTrue(lines.get(k - 1).matches("val acc: [01]\\.\\d{6}, lr: \\d\\.\\d{6}e-0[123], momentum: 0\\.[59],"
                    + " \\(" + k + " / 4\\)"), lines.get(k - 1));
        }
        assertTrue(again.stdout().contains("rank  trial   val acc"), again.stdout());
        assertEquals(5, Files.readAllLines(out.resolve("sweep.csv")).size());
        byte[] png = Files.readAllBytes(out.resolve("sweep.png"));
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 4));

        Path best = out.resolve("best.json");
        Striate.Result trained = Striate.run(work, 300, "train", "--config", best.toString(), "--out",
                work.resolve("best-run").toString(), "--workers", "2");
        assertEquals(0, trained.exitCode(), trained.toString());
        assertEquals(2, Files.readAllLines(work.resolve("best-run").resolve("metrics.csv")).size());
    }
}
