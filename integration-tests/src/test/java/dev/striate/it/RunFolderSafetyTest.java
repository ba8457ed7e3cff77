package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder has one writer, survives a full disk without a partial file, and files are opened by the names the
 * shell gave (issue 9, items 6 to 8), with real processes: locks are per process, and only a real file system fills.
 */
class RunFolderSafetyTest {
    @TempDir
    static Path work;
    static Path data;

    @BeforeAll
    static void smallData() throws IOException {
        data = SmallFashionMnist.write(work.resolve("data"), 100, 50);
    }

    static String[] train(Path out, String... more) {
        List<String> arguments = new java.util.ArrayList<>(List.of("train", "lenet5", "--data", data.toString(),
                "--out", out.toString(), "--batch", "25", "--device", "cpu", "--workers", "1"));
        arguments.addAll(List.of(more));
        return arguments.toArray(String[]::new);
    }

    static String lastLine(Striate.Result result) {
        List<String> lines = result.errorLines();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    @Test
    void aSecondTrainingOfTheSameFolderIsRefusedAndAKilledRunsLockIsTakenOver() throws Exception {
        Path run = work.resolve("shared");
        Path log = work.resolve("first.log");
        Process first = Striate.start(work, work.resolve("first.out"), log, train(run, "--epochs", "100",
                "--checkpoint-every", "1"));
        try {
            Striate.waitFor(log, "checkpoint " + run.resolve("last"), first);
            Striate.Result second = Striate.run(work, 120, train(run, "--epochs", "1"));
            assertEquals(2, second.exitCode(), second.toString());
            assertEquals(1, second.errorLines().size(), second.toString());
            assertTrue(second.stderr().contains("--out " + run + " is in use by another striate process (pid "
                    + first.pid() + ")"), second.toString());
            Striate.Result resumed = Striate.run(work, 120, "train", "--resume", run.toString());
            assertEquals(2, resumed.exitCode(), resumed.toString());
            assertTrue(resumed.stderr().contains("is in use by another striate process (pid " + first.pid() + ")"),
                    resumed.toString());
        } finally {
            first.destroyForcibly().waitFor();
        }
        assertTrue(Files.exists(run.resolve(".lock")), "a killed run leaves its lock file");
        Striate.Result afterKill = Striate.run(work, 240, "train", "--resume", run.toString(), "--epochs", "1");
        assertEquals(0, afterKill.exitCode(), afterKill.toString());
        assertFalse(Files.exists(run.resolve(".lock")), "the lock goes with the run that took it over");
    }

    /** Needs root, to mount a 160 KB tmpfs: lenet5's 247 KB of weights do not fit, its config and metrics do. */
    @Test
    void aFullDiskIsOneLineAndLeavesNoPartialFile() throws Exception {
        Path small = Files.createDirectories(work.resolve("small-disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", small.toString()) == 0,
                "mounting a tmpfs needs root");
        try {
            Path out = small.resolve("run");
            Striate.Result result = Striate.run(work, 240, train(out, "--epochs", "1"));
            assertEquals(2, result.exitCode(), result.toString());
            assertTrue(lastLine(result).contains("cannot be written: the disk is full"), result.toString());
            assertFalse(result.stderr().contains("internal error"), result.toString());
            try (Stream<Path> files = Files.walk(out)) {
                List<Path> partial = files.filter(p -> p.getFileName().toString().contains("partial")
                        || p.getFileName().toString().endsWith(".tmp")).toList();
                assertEquals(List.of(), partial, "no partial file or folder is left behind");
            }
        } finally {
            run("umount", small.toString());
        }
    }

    @Test
    void anImageNamedInLatin1IsOpenedAndANewlineStaysOnOneLine() throws Exception {
        Path run = work.resolve("trained");
        Striate.Result trained = Striate.run(work, 240, train(run, "--epochs", "1"));
        assertEquals(0, trained.exitCode(), trained.toString());
        Path images = Files.createDirectories(work.resolve("images"));
        // "caf\xe9.png": a name in Latin-1, not UTF-8, made through the raw bytes of a file URI.
        Path latin1 = Path.of(URI.create(images.toUri() + "caf%E9.png"));
        try (OutputStream out = Files.newOutputStream(latin1)) {
            ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", out);
        }
        String java = System.getProperty("striate.java", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        Path jar = Path.of(System.getProperty("striate.jar", "../cli/target/striate.jar")).toAbsolutePath();
        Path stdout = work.resolve("predict.out");
        Path stderr = work.resolve("predict.err");
        // The shell passes the byte 0xe9 itself, as a user's shell does.
        Process predict = new ProcessBuilder("bash", "-c", "exec \"$0\" -jar \"$1\" predict \"$2\" \"$3/caf$(printf"
                + " '\\351').png\" \"$3/no\nsuch.png\"", java, jar.toString(), run.toString(), images.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(predict.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(stderr);
        assertEquals(2, predict.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("no\\nsuch.png: no such image or folder"), err);
        assertFalse(err.contains("caf"), "the Latin-1 name was found: " + err);
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
