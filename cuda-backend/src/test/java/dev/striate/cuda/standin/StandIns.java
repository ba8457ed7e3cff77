package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stand-in CUDA libraries built with gcc from a few lines of C written against NVIDIA's documented signatures, and
 * child JVMs that load them (a JVM keeps every native it loaded, so a test never loads one into its own).
 */
public final class StandIns {
    private StandIns() {
    }

    public static boolean gccPresent() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "gcc"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Builds {@code folder/soname} from C {@code source}, its symbols under {@code version} when not null, linked
     * against the libraries of {@code folder} named in {@code needed}.
     */
    public static Path build(Path folder, String soname, String source, String version, String... needed)
            throws IOException, InterruptedException {
        Files.createDirectories(folder);
        Path c = Files.writeString(folder.resolve(soname + ".c"), source);
        List<String> command = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-Wl,-soname," + soname));
        if (version != null) {
            Path map = Files.writeString(folder.resolve(soname + ".map"), version + " {\n  global: *;\n};\n");
            command.add("-Wl,--version-script=" + map);
        }
        Path library = folder.resolve(soname);
        command.addAll(List.of("-o", library.toString(), c.toString(), "-L" + folder));
        for (String other : needed) {
            command.add("-l:" + other);
        }
        run(command, Map.of());
        Files.delete(c);
        return library;
    }

    /** Runs {@code mainClass} of the test class path in a new JVM; returns what it printed. */
    public static String java(Map<String, String> environment, List<String> jvmOptions, Class<?> mainClass,
                              String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(arguments));
        return run(command, environment);
    }

    private static String run(List<String> command, Map<String, String> environment) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, process.exitValue(), command + "\n" + output);
        return output;
    }
}
