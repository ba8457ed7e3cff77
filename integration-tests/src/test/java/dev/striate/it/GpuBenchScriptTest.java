package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU host's side-by-side benchmark without a GPU: {@code tools/bench-table.py} makes the table from canned JSON
 * lines of both benchmarks, and {@code tools/gpu-bench.sh} runs end to end on the CPU with a stand-in for the PyTorch
 * script (this machine has neither torch nor a GPU). Both need python3 and are skipped, saying so, without it.
 */
class GpuBenchScriptTest {
    private static final Path TOOLS = Path.of("..", "tools").toAbsolutePath().normalize();
    /** Answers like torch_reference_bench.py: 0.5 images/s in fp32, a failure in bf16. */
    private static final String STAND_IN_REFERENCE = """
            import argparse, json, sys
            p = argparse.ArgumentParser()
            for flag in ("--model", "--precision", "--steps", "--warmup"):
                p.add_argument(flag)
            p.add_argument("--batch", type=int, default=128)
            p.add_argument("--size", type=int, default=224)
            p.add_argument("--json", action="store_true")
            a = p.parse_args()
            if a.precision == "bf16":
                sys.exit("RuntimeError: no bf16 in the stand-in")
            print(json.dumps({"framework": "torch stand-in", "model": a.model, "batch": a.batch,
                              "precision": a.precision, "size": a.size, "step_ms": 4000.0, "images_per_s": 0.5,
                              "peak_mem_gib": 1.0, "gpu": "none"}))
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPython() throws InterruptedException {
        assumeTrue(python3Runs(), "python3 is not on PATH; the GPU benchmark scripts need it");
    }

    @Test
    void theTableJoinsBothBenchmarksByModelAndPrecision() throws Exception {
        Path striate = dir.resolve("striate.jsonl");
        Files.writeString(striate, """
                {"framework":"striate 0.1.0","model":"resnet50","batch":128,"precision":"fp32","size":224,\
                "step_ms":116.364,"images_per_s":1100.0,"peak_mem_gib":20.5,"gpu":"cuda:0 NVIDIA H200","tflops":26.99}
                {"framework":"striate","model":"resnet50","precision":"bf16",\
                "error":"timed out after 60s (logs/striate-resnet50-bf16.log)"}
                {"framework":"striate 0.1.0","model":"vgg16","batch":128,"precision":"fp32","size":224,\
                "step_ms":512.0,"images_per_s":250.0,"peak_mem_gib":30.1,"gpu":"cuda:0 NVIDIA H200","tflops":23.21}
                """);
        Path torch = dir.resolve("torch.jsonl");
        Files.writeString(torch, """
                /opt/torch/.venv/lib/python3.12/site-packages/torch/backends/__init__.py:46: UserWarning: a warning
                {"framework": "torch 2.11.0+cu130", "model": "resnet50", "batch": 128, "precision": "fp32", \
                "size": 224, "step_ms": 128.0, "images_per_s": 1000.0, "peak_mem_gib": 22.25, "gpu": "NVIDIA H200"}
                {"framework": "torch 2.11.0+cu130", "model": "resnet50", "batch": 128, "precision": "bf16", \
                "size": 224, "step_ms": 35.068, "images_per_s": 3650.0, "peak_mem_gib": 11.0, "gpu": "NVIDIA H200"}
                {"framework": "torch", "model": "vgg16", "precision": "fp32", \
                "error": "timed out after 60s (logs/torch-vgg16-fp32.log)"}
                {"framework": "torch 2.11.0+cu130", "model": "mobilenet_v2", "batch": 128, "precision": "tf32", \
                "size": 224, "step_ms": 25.6, "images_per_s": 5000.0, "peak_mem_gib": 9.5, "gpu": "NVIDIA H200"}
                """);
        Process table = new ProcessBuilder("python3", TOOLS.resolve("bench-table.py").toString(), striate.toString(),
                torch.toString()).redirectErrorStream(true).start();
        String output = new String(table.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, table.waitFor(), output);
        // 1100 / 1000 = 1.10; the other cases lack one side. Numbers to one decimal, memory to two.
        assertEquals("""
                # Striate against PyTorch: training images/s on one GPU, side by side

                - Striate: striate 0.1.0 on cuda:0 NVIDIA H200
                - PyTorch: torch 2.11.0+cu130 on NVIDIA H200
                - batch 128, images of 224 pixels a side

                | model | precision | Striate images/s | PyTorch images/s | striate/torch | Striate TFLOP/s \
                | Striate step ms | PyTorch step ms | Striate peak GiB | PyTorch peak GiB |
                | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
                | resnet50 | fp32 | 1100.0 | 1000.0 | 1.10 | 27.0 | 116.4 | 128.0 | 20.50 | 22.25 |
                | resnet50 | bf16 | not run | 3650.0 | — | — | — | 35.1 | — | 11.00 |
                | vgg16 | fp32 | 250.0 | not run | — | 23.2 | 512.0 | — | 30.10 | — |
                | mobilenet_v2 | tf32 | — | 5000.0 | — | — | — | 25.6 | — | 9.50 |

                Striate at least as fast as PyTorch (ratio >= 1.00) in 1 of the 1 cases measured on both sides \
                (4 cases in all).

                Not run:
                - resnet50 bf16, Striate: timed out after 60s (logs/striate-resnet50-bf16.log)
                - vgg16 fp32, PyTorch: timed out after 60s (logs/torch-vgg16-fp32.log)
                """, output);
    }

    @Test
    void theWholeScriptRunsOnTheCpuWithAStandInForPyTorch() throws Exception {
        Path reference = dir.resolve("reference.py");
        Files.writeString(reference, STAND_IN_REFERENCE);
        Path out = dir.resolve("out");
        String java = System.getProperty("striate.java", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        ProcessBuilder builder = new ProcessBuilder("bash", TOOLS.resolve("gpu-bench.sh").toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("gpu-bench.txt").toFile());
        builder.environment().putAll(Map.of("BENCH_DEVICE", "cpu", "BENCH_SELFTEST", "0", "BENCH_MODELS", "lenet5",
                "BENCH_PRECISIONS", "fp32 bf16", "BENCH_ARGS", "--batch 2 --steps 1 --warmup 0",
                "BENCH_REFERENCE", reference.toString(), "TORCH_PYTHON", "python3",
                "BENCH_JAR", Path.of(Striate.command().get(2)).toString(),
                "PATH", Path.of(java).getParent() + File.pathSeparator + System.getenv("PATH")));
        Process script = builder.start();
        assertTrue(script.waitFor(120, TimeUnit.SECONDS), "gpu-bench.sh ran past 120 s");
        String printed = Files.readString(dir.resolve("gpu-bench.txt"));
        assertEquals(0, script.exitValue(), printed);

        // Striate first in the first case, PyTorch first in the second.
        List<String> runs = Files.readAllLines(out.resolve("summary.txt")).stream().takeWhile(line -> !line.isEmpty())
                .map(line -> line.split(" +")[0]).toList();
        assertEquals(List.of("striate-lenet5-fp32", "torch-lenet5-fp32", "torch-lenet5-bf16", "striate-lenet5-bf16"),
                runs);
        JsonNode fp32 = new ObjectMapper().readTree(Files.readAllLines(out.resolve("striate.jsonl")).getFirst());
        double ratio = fp32.get("images_per_s").asDouble() / 0.5;
        String table = Files.readString(out.resolve("bench-table.md"));
        assertTrue(table.contains(String.format(Locale.ROOT, "| lenet5 | fp32 | %.1f | 0.5 | %.2f |",
                fp32.get("images_per_s").asDouble(), ratio)), table);
        assertTrue(table.contains("| lenet5 | bf16 | "), table);
        assertTrue(table.contains("- lenet5 bf16, PyTorch: exit 1: RuntimeError: no bf16 in the stand-in"), table);
        assertTrue(Files.readString(out.resolve("summary.txt")).contains(table), "summary.txt ends with the table");
        assertTrue(printed.contains(table), printed);
    }

    private static boolean python3Runs() throws InterruptedException {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
