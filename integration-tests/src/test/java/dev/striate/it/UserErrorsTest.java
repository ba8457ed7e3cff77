package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes a user makes: each one exits with status 2 and one line on stderr naming the fault, before any work. */
class UserErrorsTest {
    @TempDir
    static Path work;
    static Path data;
    /** A finished one-epoch run on {@link #data}, for the errors that need one. */
    static Path run;

    @BeforeAll
    static void trainOneEpoch() throws Exception {
        data = SmallFashionMnist.write(work.resolve("data"), 100, 50);
        run = work.resolve("run");
        Striate.Result result = Striate.run(work, 180, "train", "lenet5", "--data", data.toString(), "--out",
                run.toString(), "--epochs", "1", "--batch", "25", "--device", "cpu");
        assertEquals(0, result.exitCode(), result.toString());
    }

    /** Runs the command and returns its one line on stderr, after checking exit status 2. */
    static String oneLineError(String... arguments) throws Exception {
        Striate.Result result = Striate.run(work, 120, arguments);
        assertEquals(2, result.exitCode(), result.toString());
        List<String> lines = result.errorLines();
        assertEquals(1, lines.size(), result.toString());
        assertTrue(lines.getFirst().startsWith("striate "), lines.getFirst());
        return lines.getFirst();
    }

    @Test
    void missingDataFolder() throws Exception {
        String line = oneLineError("train", "lenet5", "--data", work.resolve("nowhere").toString(), "--out",
                work.resolve("out-missing").toString());
        assertTrue(line.contains("does not exist"), line);
        assertTrue(!Files.exists(work.resolve("out-missing")), "no run folder for a run that cannot start");
    }

    @Test
    void emptyDataFolder() throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty"));
        assertTrue(oneLineError("train", "lenet5", "--data", empty.toString()).contains("is empty"));
    }

    @Test
    void emptyClassFolder() throws Exception {
        Path folder = work.resolve("one-empty-class");
        Files.createDirectories(folder.resolve("cats"));
        Files.createDirectories(folder.resolve("dogs"));
        Files.writeString(folder.resolve("dogs").resolve("dog.png"), "x");
        String line = oneLineError("train", "lenet5", "--data", folder.toString());
        assertTrue(line.contains("cats") && line.contains("is empty"), line);
    }

    @Test
    void validationClassMissingFromTraining() throws Exception {
        Path folder = work.resolve("val-only-class");
        Files.createDirectories(folder.resolve("train").resolve("cats"));
        Files.writeString(folder.resolve("train").resolve("cats").resolve("a.png"), "x");
        Files.createDirectories(folder.resolve("val").resolve("dogs"));
        Files.writeString(folder.resolve("val").resolve("dogs").resolve("b.png"), "x");
        String line = oneLineError("train", "lenet5", "--data", folder.toString());
        assertTrue(line.contains("dogs") && line.contains("no training folder"), line);
    }

    @Test
    void unknownModel() throws Exception {
        String line = oneLineError("train", "lenet6", "--data", data.toString());
        assertTrue(line.contains("lenet6") && line.contains("lenet5"), line);
    }

    @Test
    void badFlagValues() throws Exception {
        assertTrue(oneLineError("train", "lenet5", "--data", data.toString(), "--epochs", "ten")
                .contains("--epochs must be a whole number"));
        assertTrue(oneLineError("train", "lenet5", "--data", data.toString(), "--optimizer", "adamax")
                .contains("adamax"));
        assertTrue(oneLineError("train", "lenet5", "--data", data.toString(), "--learning-rate", "3")
                .contains("Unrecognized option"));
        assertTrue(oneLineError("train", "lenet5", "--data", data.toString(), "--device", "tpu")
                .contains("tpu"));
    }

    @Test
    void unwritableOutputFolder() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "");
        String line = oneLineError("train", "lenet5", "--data", data.toString(), "--out",
                file.resolve("run").toString());
        assertTrue(line.contains("cannot create --out"), line);
    }

    @Test
    void existingRunIsNotOverwritten() throws Exception {
        String line = oneLineError("train", "lenet5", "--data", data.toString(), "--out", run.toString());
        assertTrue(line.contains("refusing to overwrite") && line.contains("--resume"), line);
        assertTrue(Checkpoint.isComplete(run.resolve("last")));
    }

    @Test
    void resumingWithAnotherModelIsRefused() throws Exception {
        String line = oneLineError("train", "vgg11", "--resume", run.toString());
        assertTrue(line.contains("--model") && line.contains("vgg11"), line);
    }

    @Test
    void evaluatingOnDataOfOtherClassesIsRefused() throws Exception {
        Path folder = work.resolve("two-classes");
        for (String name : List.of("cats", "dogs")) {
            Files.createDirectories(folder.resolve(name));
            Files.writeString(folder.resolve(name).resolve("x.png"), "x");
        }
        String line = oneLineError("eval", run.toString(), "--data", folder.toString());
        assertTrue(line.contains("was trained on 10 classes but --data has 2"), line);
    }

    @Test
    void explodingLossStopsWithTheStepAndKeepsTheLastCheckpoint() throws Exception {
        Path out = work.resolve("diverging");
        Striate.Result result = Striate.run(work, 180, "train", "lenet5", "--data", data.toString(), "--out",
                out.toString(), "--epochs", "3", "--batch", "10", "--device", "cpu", "--lr", "1e30",
                "--checkpoint-every", "1");
        assertEquals(2, result.exitCode(), result.toString());
        String last = result.errorLines().getLast();
        assertTrue(last.matches("striate train: the (loss|gradient norm) is (NaN|-?Infinity) at step \\d+ .*"), last);
        // Step 0 updates with finite numbers, and --checkpoint-every 1 saves it before the loss overflows.
        assertTrue(last.endsWith("the last good checkpoint is " + out.resolve("last")), last);
        assertTrue(Checkpoint.isComplete(out.resolve("last")));
    }
}
