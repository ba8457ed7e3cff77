package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shaded {@code striate.jar} as a user would, in its own JVM: the java and jar paths come from the system
 * properties {@code striate.java} and {@code striate.jar} that the module's pom sets.
 */
final class Striate {
    private Striate() {
    }

    /** What a finished command left: its exit status and everything it printed. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> errorLines() {
            return stderr.lines().filter(line -> !line.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    static List<String> command(String... arguments) {
        String java = System.getProperty("striate.java", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        Path jar = Path.of(System.getProperty("striate.jar", "../cli/target/striate.jar"));
        assertTrue(Files.isRegularFile(jar), "build the jar first (mvn package): " + jar.toAbsolutePath());
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    /** Runs to the end (at most {@code timeoutSeconds}) in {@code directory}. */
    static Result run(Path directory, long timeoutSeconds, String... arguments) throws IOException,
            InterruptedException {
        return run(directory, timeoutSeconds, Map.of(), arguments);
    }

    /** As {@link #run(Path, long, String...)} with {@code environment} added to the process's environment. */
    static Result run(Path directory, long timeoutSeconds, Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(directory, "stdout", ".txt");
        Path err = Files.createTempFile(directory, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command(arguments)).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("striate " + String.join(" ", arguments) + " ran past " + timeoutSeconds
                    + " s; stderr:\n" + Files.readString(err));
        }
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** Starts a command whose output goes to files, so a test can watch stderr while it runs. */
    static Process start(Path directory, Path stdout, Path stderr, String... arguments) throws IOException {
        return new ProcessBuilder(command(arguments)).directory(directory.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    /** Waits (at most 240 s) until the log holds {@code text}; fails when the process ends first. */
    static void waitFor(Path log, String text, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("striate ended before printing '" + text + "':\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new AssertionError("no '" + text + "' within 240 s:\n" + Files.readString(log));
    }
}
