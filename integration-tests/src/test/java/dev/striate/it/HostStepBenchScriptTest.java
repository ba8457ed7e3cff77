package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host benchmark on a null device: {@code tools/host-step-table.py} makes its tables from canned records, and
 * {@code tools/host-step-bench.sh} builds the null CUDA libraries with gcc and measures the built jar against itself.
 * Both need python3, the script gcc too; each is skipped, saying so, without them.
 */
class HostStepBenchScriptTest {
    private static final Path TOOLS = Path.of("..", "tools").toAbsolutePath().normalize();
    private static final String JAR_1_STATS = """
            ["null device: 100 launches, 10 copies in (4096 bytes), 2 out (8 bytes), 40 memsets, 7 allocations, \
            7 frees, 20 waits", "null cudnn: 50 calls", "null cublas: 6 calls"]""";

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPython() throws InterruptedException {
        assumeTrue(runs("python3", "--version"), "python3 is not on PATH; the host benchmark scripts need it");
    }

    @Test
    void theTablesTakeMediansRatiosAndOneStepsCounts() throws Exception {
        Path records = dir.resolve("records.jsonl");
        Files.writeString(records, String.join("\n",
                record(1, "timed", 12.0, JAR_1_STATS),
                record(2, "timed", 8.0, "[]"),
                record(2, "timed", 9.0, "[]"),
                record(1, "timed", 30.0, JAR_1_STATS),
                record(1, "timed", 10.0, JAR_1_STATS),
                record(2, "timed", 6.5, "[]"),
                record(1, "count", 12.5, """
                        ["null cublas: 7 calls", "null device: 120 launches, 11 copies in (8192 bytes), 3 out \
                        (16 bytes), 45 memsets, 9 allocations, 9 frees, 22 waits", "null cudnn: 55 calls"]"""),
                """
                {"jar": 2, "path": "/b.jar", "kind": "count", "model": "resnet50", "precision": "bf16", \
                "args": "--steps 10 --warmup 4", "bench": {"framework": "striate 0.2", "model": "resnet50", \
                "batch": 128, "precision": "bf16", "size": 224, "step_ms": 7.0, "gpu": "cuda:0 NVIDIA H200"}, \
                "error": null, "stats": []}""",
                """
                {"jar": 2, "path": "/b.jar", "kind": "timed", "model": "vgg16", "precision": "fp32", \
                "args": "--steps 10 --warmup 3", "bench": null, "error": "timed out after 300 s", "stats": []}"""));
        Process table = new ProcessBuilder("python3", TOOLS.resolve("host-step-table.py").toString(),
                records.toString()).redirectErrorStream(true).start();
        String output = new String(table.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, table.waitFor(), "a run failed, so the exit status is 1: " + output);
        // Medians: jar 1 of 12, 30, 10 is 12; jar 2 of 8, 9, 6.5 is 8; 12 / 8 = 1.50. One step: 120 - 100 kernels,
        // 45 - 40 memsets, 55 - 50 cuDNN and 7 - 6 cuBLAS calls, (11 + 3) - (10 + 2) copies, 22 - 20 waits. Jar 2's
        // count run ran on a real GPU, so it has no counts.
        assertEquals("""
                # Host time per training step on a null device

                Every CUDA, cuDNN, cuBLAS and NVRTC call returns at once (tools/null-device), so a step takes the \
                host's time alone: the floor under a GPU's step, not a GPU figure.

                - jar 1: /a.jar (striate 0.2), timed runs a case: 3
                - jar 2: /b.jar (striate 0.2), timed runs a case: 3
                - `striate bench MODEL --device cuda --precision P --json --steps 10 --warmup 3`: batch 128, images \
                of 224 pixels a side
                - ms: the median over a jar's runs of each run's median step time; jar 1 / jar 2 above 1 means jar 2 \
                is faster

                | model | precision | jar 1 ms | jar 2 ms | jar 1 / jar 2 |
                | --- | --- | ---: | ---: | ---: |
                | resnet50 | bf16 | 12.00 | 8.00 | 1.50 |
                | vgg16 | fp32 | — | — | — |

                Device calls of one step (a step after the first: the null libraries' counts of a run with one more \
                warm-up step, less a timed run's):

                | model | precision | jar | kernels | memsets | cuDNN calls | cuBLAS calls | copies | host waits |
                | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
                | resnet50 | bf16 | 1 | 20 | 5 | 5 | 1 | 2 | 2 |
                | resnet50 | bf16 | 2 | — | — | — | — | — | — |
                | vgg16 | fp32 | 1 | — | — | — | — | — | — |
                | vgg16 | fp32 | 2 | — | — | — | — | — | — |

                Not run:
                - resnet50 bf16, jar 2 (count run): ran on cuda:0 NVIDIA H200, not on the null device
                - vgg16 fp32, jar 2 (timed run): timed out after 300 s
                """, output);
    }

    @Test
    void theScriptComparesTheBuiltJarWithItselfOnTheNullDevice() throws Exception {
        assumeTrue(runs("gcc", "--version"), "gcc is not on PATH; the null CUDA libraries cannot be built");
        String jar = Path.of(Striate.command().get(2)).toString();
        Path printed = dir.resolve("printed.txt");
        Path progress = dir.resolve("progress.txt");
        Process script = script(Map.of("HOST_BENCH_MODELS", "resnet18", "HOST_BENCH_PRECISIONS", "bf16",
                "HOST_BENCH_REPEATS", "1", "HOST_BENCH_ARGS", "--batch 2 --size 32 --steps 1 --warmup 0"),
                printed, progress, jar, jar);
        assertTrue(script.waitFor(120, TimeUnit.SECONDS), "host-step-bench.sh ran past 120 s");
        String table = Files.readString(printed);
        assertEquals(0, script.exitValue(), table + Files.readString(progress));

        List<String> runs = Files.readAllLines(progress).stream().map(line -> line.split(" +")[0]).toList();
        assertEquals(List.of("1-resnet18-bf16-jar1-timed", "2-resnet18-bf16-jar2-timed",
                "3-resnet18-bf16-jar1-count", "4-resnet18-bf16-jar2-count"), runs);
        Matcher row = Pattern.compile("\\| resnet18 \\| bf16 \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\|")
                .matcher(table);
        assertTrue(row.find(), table);
        double first = Double.parseDouble(row.group(1));
        double second = Double.parseDouble(row.group(2));
        assertTrue(first > 0 && second > 0, table);
        // The ratio of the unrounded medians: off from first / second by what rounding both to 0.005 ms moves it,
        // plus the ratio's own rounding to 0.005.
        double bound = 0.005 / second * (1 + first / second) + 0.005;
        assertEquals(first / second, Double.parseDouble(row.group(3)), bound, table);
        // Same jar, same step: the same positive counts of kernels and cuDNN calls.
        Matcher counts = Pattern.compile(
                "\\| resnet18 \\| bf16 \\| [12] \\| ([1-9][0-9]*) \\| [0-9]+ \\| ([1-9][0-9]*) \\|").matcher(table);
        assertTrue(counts.find(), table);
        String oneJar = counts.group(1) + " " + counts.group(2);
        assertTrue(counts.find(), table);
        assertEquals(oneJar, counts.group(1) + " " + counts.group(2), table);
    }

    @Test
    void aBadSettingIsOneLineAndExitTwo() throws Exception {
        Path printed = dir.resolve("printed.txt");
        Path progress = dir.resolve("progress.txt");
        Process script = script(Map.of("HOST_BENCH_REPEATS", "three"), printed, progress);
        assertTrue(script.waitFor(30, TimeUnit.SECONDS), "host-step-bench.sh ran past 30 s");
        assertEquals(2, script.exitValue());
        assertEquals("", Files.readString(printed));
        assertEquals(List.of("host-step-bench.sh: HOST_BENCH_REPEATS=three is not a positive whole number; set e.g. 3"),
                Files.readAllLines(progress));
    }

    /** A canned record of resnet50 in bf16 on the null device, jar 1 or 2, as host-step-bench.sh writes them. */
    private static String record(int jar, String kind, double stepMillis, String stats) {
        return String.format(Locale.ROOT, """
                {"jar": %d, "path": "/%s.jar", "kind": "%s", "model": "resnet50", "precision": "bf16", \
                "args": "--steps 10 --warmup %d", "bench": {"framework": "striate 0.2", "model": "resnet50", \
                "batch": 128, "precision": "bf16", "size": 224, "step_ms": %s, \
                "gpu": "cuda:0 Null device (sm_90, 141.0 GiB), bf16, channels-last"}, "error": null, "stats": %s}""",
                jar, jar == 1 ? "a" : "b", kind, kind.equals("timed") ? 3 : 4, stepMillis, stats);
    }

    /** Starts host-step-bench.sh with the JDK running this test, and {@code settings}. */
    private static Process script(Map<String, String> settings, Path stdout, Path stderr, String... jars)
            throws IOException {
        String java = System.getProperty("striate.java", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        List<String> command = new ArrayList<>(List.of("bash", TOOLS.resolve("host-step-bench.sh")
                .toString()));
        command.addAll(List.of(jars));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put("JAVA_HOME", Path.of(java).getParent().getParent().toString());
        builder.environment().put("PATH", Path.of(java).getParent() + File.pathSeparator + System.getenv("PATH"));
        builder.environment().putAll(settings);
        return builder.start();
    }

    private static boolean runs(String... command) throws InterruptedException {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
