package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed before its first checkpoint is taken by {@code --resume} (it starts over); Ctrl-C (SIGINT) and SIGTERM
 * stop it after the current batch with {@code last/} at that position and the command that resumes; resuming then
 * finishes the run.
 */
class InterruptAndResumeTest {
    private static final int BATCHES_PER_EPOCH = 19;

    @TempDir
    Path work;

    @Test
    void killedBeforeAnyCheckpointThenInterruptedTwiceThenFinished() throws Exception {
        Path data = SmallFashionMnist.write(work.resolve("data"), 600, 100);
        Path out = work.resolve("run");

        Process first = Striate.start(work, work.resolve("first.out"), work.resolve("first.log"), "train", "lenet5",
                "--data", data.toString(), "--out", out.toString(), "--epochs", "2", "--batch", "32", "--device",
                "cpu", "--workers", "2");
        Striate.waitFor(work.resolve("first.log"), "training lenet5", first);
        first.destroyForcibly().waitFor();
        assertFalse(Files.exists(out.resolve(Checkpoint.LAST)), "killed before the end of its first epoch");

        Path secondLog = work.resolve("second.log");
        Process second = Striate.start(work, work.resolve("second.out"), secondLog, "train", "--resume",
                out.toString(), "--checkpoint-every", "3");
        Striate.waitFor(secondLog, "checkpoint " + out.resolve("last") + ": epoch 1 batch 3/" + BATCHES_PER_EPOCH,
                second);
        signal("INT", second);
        assertTrue(second.waitFor(120, TimeUnit.SECONDS), "stops after its batch");
        String stopped = Files.readString(secondLog);
        assertEquals(130, second.exitValue(), stopped);
        assertTrue(stopped.contains("was stopped before its first checkpoint; starting the run over"), stopped);
        assertTrue(stopped.contains("SIGINT: stopping after the current batch"), stopped);
        assertTrue(stopped.contains("continue with: striate train --resume " + out), stopped);
        JsonNode state = state(out);
        assertEquals(0, state.get("epoch").asInt());
        int stoppedAt = state.get("batch").asInt();
        assertTrue(stoppedAt >= 3 && stoppedAt < BATCHES_PER_EPOCH, "mid-epoch: " + state);

        Path thirdLog = work.resolve("third.log");
        Process third = Striate.start(work, work.resolve("third.out"), thirdLog, "train", "--resume",
                out.toString());
        Striate.waitFor(thirdLog, "epoch 1/2: resuming at batch " + (stoppedAt + 1), third);
        third.destroy();
        assertTrue(third.waitFor(120, TimeUnit.SECONDS), "stops after its batch");
        String terminated = Files.readString(thirdLog);
        assertEquals(143, third.exitValue(), terminated);
        assertTrue(terminated.contains("SIGTERM: stopping after the current batch"), terminated);
        assertTrue(Checkpoint.isComplete(out.resolve(Checkpoint.LAST)));
        assertTrue(state(out).get("batch").asInt() > stoppedAt || state(out).get("epoch").asInt() > 0,
                "moved on: " + state(out));

        Striate.Result finished = Striate.run(work, 300, "train", "--resume", out.toString());
        assertEquals(0, finished.exitCode(), finished.toString());
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    }

    private static JsonNode state(Path run) throws IOException {
        return new ObjectMapper().readTree(run.resolve(Checkpoint.LAST).resolve(Checkpoint.STATE).toFile());
    }

    /** Sends a signal by name, as a terminal does for Ctrl-C ({@code Process.destroy} can send only SIGTERM). */
    private static void signal(String name, Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }
}
