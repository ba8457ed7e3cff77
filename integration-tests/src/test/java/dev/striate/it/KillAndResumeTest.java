package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL in the middle of an epoch, then {@code --resume}: the run must end with the per-epoch losses of a run
 * that was never interrupted, and {@code last/} must be whole whenever the process dies.
 */
class KillAndResumeTest {
    /**
     * A resumed run repeats the uninterrupted run's float64 arithmetic in the same order, so the two agree to the last
     * bit; the tolerance only allows for the decimal round trip through metrics.jsonl.
     */
    static final double RELATIVE_TOLERANCE = 1e-12;
    static final int EPOCHS = 3;
    static final int BATCHES_PER_EPOCH = 19;

    @TempDir
    static Path work;
    static Path data;
    static List<JsonNode> uninterrupted;

    static String[] train(Path out, String... more) {
        List<String> arguments = new ArrayList<>(List.of("train", "lenet5", "--data", data.toString(), "--out",
                out.toString(), "--epochs", Integer.toString(EPOCHS), "--batch", "32", "--lr", "0.05",
                "--device", "cpu", "--workers", "2", "--seed", "7", "--schedule", "cosine"));
        arguments.addAll(List.of(more));
        return arguments.toArray(String[]::new);
    }

    @BeforeAll
    static void trainWithoutInterruption() throws Exception {
        data = SmallFashionMnist.write(work.resolve("data"), 600, 200);
        Path out = work.resolve("uninterrupted");
        Striate.Result result = Striate.run(work, 300, train(out, "--checkpoint-every", "4"));
        assertEquals(0, result.exitCode(), result.toString());
        uninterrupted = metrics(out);
        assertEquals(EPOCHS, uninterrupted.size());
    }

    @Test
    void killedInTheMiddleOfAnEpochAndResumedEndsWithTheSameLosses() throws Exception {
        Path out = work.resolve("killed");
        Path log = work.resolve("killed.log");
        Process process = Striate.start(work, work.resolve("killed.out"), log, train(out, "--checkpoint-every",
                "4"));
        String mark = "checkpoint " + out.resolve("last") + ": epoch 2 batch 8/" + BATCHES_PER_EPOCH;
        Striate.waitFor(log, mark, process);
        process.destroyForcibly().waitFor();
        assertWhole(out.resolve("last"));
        JsonNode state = new ObjectMapper().readTree(out.resolve("last").resolve(Checkpoint.STATE).toFile());
        assertEquals(1, state.get("epoch").asInt(), "killed in epoch 2 (from 0: 1)");
        assertTrue(state.get("batch").asInt() >= 8, state.toString());
        Striate.Result resumed = Striate.run(work, 300, "train", "--resume", out.toString());
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.stderr().contains("epoch 2/" + EPOCHS + ": resuming at batch"), resumed.stderr());
        assertSameLosses(uninterrupted, metrics(out));
    }

    @Test
    void killedAtRandomInstantsWhileCheckpointingEveryBatchNeverLeavesAHalfWrittenCheckpoint() throws Exception {
        Path out = work.resolve("random-kills");
        SplittableRandom random = new SplittableRandom(2024);
        boolean finished = false;
        for (int attempt = 0; attempt < 3 && !finished; attempt++) {
            String[] arguments = attempt == 0 ? train(out, "--checkpoint-every", "1")
                    : new String[] {"train", "--resume", out.toString()};
            Path log = work.resolve("random-" + attempt + ".log");
            Process process = Striate.start(work, work.resolve("random-" + attempt + ".out"), log, arguments);
            Striate.waitFor(log, "checkpoint " + out.resolve("last"), process);
            // Somewhere in the next stretch of steps, most of which write last/ after their update.
            finished = process.waitFor(200 + random.nextInt(1500), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
                assertRecoverable(out);
            }
        }
        if (!finished) {
            Striate.Result resumed = Striate.run(work, 300, "train", "--resume", out.toString());
            assertEquals(0, resumed.exitCode(), resumed.toString());
        }
        assertSameLosses(uninterrupted, metrics(out));
    }

    /** After a kill, last/ is whole, or a whole copy waits beside it for --resume to put back. */
    private static void assertRecoverable(Path run) {
        Path last = run.resolve("last");
        if (Files.isDirectory(last)) {
            assertWhole(last);
            return;
        }
        boolean finishedNew = Checkpoint.isComplete(run.resolve("last.partial"));
        boolean keptOld = Checkpoint.isComplete(run.resolve("last.old"));
        assertTrue(finishedNew || keptOld, "killed between renames: neither last.partial nor last.old is whole");
    }

    private static void assertWhole(Path checkpoint) {
        assertTrue(Checkpoint.isComplete(checkpoint), checkpoint + " is not a whole checkpoint");
    }

    static List<JsonNode> metrics(Path run) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            rows.add(mapper.readTree(line));
        }
        return rows;
    }

    static void assertSameLosses(List<JsonNode> expected, List<JsonNode> actual) {
        assertEquals(expected.size(), actual.size(), "epochs in metrics.jsonl");
        for (int i = 0; i < expected.size(); i++) {
            for (String key : List.of("trainLoss", "trainAccuracy", "valLoss", "valTop1", "valTop5", "learningRate")) {
                double want = expected.get(i).get(key).asDouble();
                double got = actual.get(i).get(key).asDouble();
                assertEquals(want, got, RELATIVE_TOLERANCE * Math.max(1, Math.abs(want)),
                        key + " of epoch " + (i + 1));
            }
        }
    }
}
