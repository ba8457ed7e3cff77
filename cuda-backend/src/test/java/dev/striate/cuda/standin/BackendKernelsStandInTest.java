package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.nvrtc.NvrtcStandInTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the backend meets the kernel sources: its launches of {@code elementwise.cu},
 * {@code optimizer.cu} and {@code topk.cu} (both variants) decoded by a stand-in driver that runs each kernel as its source's header
 * documents the C signature (on host memory), against hand-worked values. The stand-in NVRTC "compiles" every
 * source, so the disk cache is exercised too. Skipped where the kernel sources are not in the build.
 */
class BackendKernelsStandInTest {
    private static final String KERNELS = """
            #include <math.h>
            typedef struct { const char *name; } kernel;
            static int module_token, bf16_module_token;
            static kernel kernels[] = {{"scale_f32"}, {"gradient_sum_of_squares"}, {"sgd_update"}, {"adam_update"},
                                       {"top_k"}, {"fill_i64"}, {"zero_gradients"}};
            static kernel top_k_bf16 = {"top_k bf16"};
            int cuModuleLoadData(void **module, const void *image) {
                *module = strstr(image, "|bf16|") != NULL ? &bf16_module_token : &module_token;
                return 0;
            }
            int cuModuleUnload(void *module) { return 0; }
            int cuModuleGetFunction(void **function, void *module, const char *name) {
                if (module == &bf16_module_token) {
                    if (strcmp(name, "top_k") == 0) { *function = &top_k_bf16; return 0; }
                    return 500;
                }
                for (int i = 0; i < 7; i++) {
                    if (strcmp(name, kernels[i].name) == 0) { *function = &kernels[i]; return 0; }
                }
                return 500;
            }
            // A bf16 score as the float it stands for (its bits are the float's upper half).
            static float score(const void *scores, int bf16, int i) {
                if (!bf16) return ((const float *) scores)[i];
                unsigned int bits = (unsigned int) ((const unsigned short *) scores)[i] << 16;
                float value;
                memcpy(&value, &bits, sizeof value);
                return value;
            }
            #define ARG(type, i) (*(type *) parameters[i])
            int cuLaunchKernel(void *function, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                               unsigned int by, unsigned int bz, unsigned int shared, void *stream, void **parameters,
                               void **extra) {
                const char *name = ((kernel *) function)->name;
                if (stream != &stream_token || gx < 1 || bx < 1) return 400;
                if (strcmp(name, "scale_f32") == 0) {
                    float *x = ARG(float *, 0);
                    for (long long i = 0; i < ARG(long long, 1); i++) x[i] *= ARG(float, 2);
                } else if (strcmp(name, "fill_i64") == 0) {
                    long long *x = ARG(long long *, 0);
                    for (long long i = 0; i < ARG(long long, 1); i++) x[i] = ARG(long long, 2);
                } else if (strncmp(name, "top_k", 5) == 0) {
                    const void *s = ARG(void *, 0);
                    int bf16 = strcmp(name, "top_k bf16") == 0;
                    int rows = ARG(int, 1), cols = ARG(int, 2), k = ARG(int, 3);
                    int *out = ARG(int *, 4);
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < k; j++) {
                            int best = -1;
                            for (int c = 0; c < cols; c++) {
                                int taken = 0;
                                for (int t = 0; t < j; t++) taken |= out[r * k + t] == c;
                                if (!taken && (best < 0 || score(s, bf16, r * cols + c) > score(s, bf16,
                                        r * cols + best))) best = c;
                            }
                            out[r * k + j] = best;
                        }
                    }
                } else {
                    const long long *table = ARG(long long *, 0);
                    int rows = ARG(int, 1);
                    long long total = ARG(long long, 2), counted = 0;
                    double lr = strcmp(name, "sgd_update") == 0 || strcmp(name, "adam_update") == 0 ? ARG(double, 3) : 0;
                    for (int r = 0; r < rows; r++) {
                        const long long *row = table + 7 * r;
                        float *p = (float *) row[0], *g = (float *) row[1], *s0 = (float *) row[2], *s1 = (float *) row[3];
                        double wd;
                        memcpy(&wd, &row[6], sizeof wd);
                        if (row[4] != counted) return 402;
                        counted += row[5];
                        for (long long i = 0; i < row[5]; i++) {
                            /* The gradient kernels read only the gradient column: grad 0, Σ grad² into *out. */
                            if (strcmp(name, "zero_gradients") == 0) {
                                g[i] = 0;
                            } else if (strcmp(name, "gradient_sum_of_squares") == 0) {
                                if (bx != 256) return 401;
                                *ARG(double *, 3) += (double) g[i] * g[i];
                            } else if (strcmp(name, "sgd_update") == 0) {
                                double momentum = ARG(double, 4), dampening = ARG(double, 5);
                                double grad = g[i] + wd * p[i];
                                double b = ARG(int, 7) ? grad : momentum * s0[i] + (1 - dampening) * grad;
                                s0[i] = (float) b;
                                p[i] = (float) (p[i] - lr * (ARG(int, 6) ? grad + momentum * b : b));
                            } else {
                                double b1 = ARG(double, 4), b2 = ARG(double, 5), eps = ARG(double, 6);
                                if (ARG(int, 9)) p[i] = (float) (p[i] - lr * wd * p[i]);
                                double grad = g[i] + (ARG(int, 9) ? 0 : wd * p[i]);
                                s0[i] = (float) (b1 * s0[i] + (1 - b1) * grad);
                                s1[i] = (float) (b2 * s1[i] + (1 - b2) * grad * grad);
                                p[i] = (float) (p[i] - lr * (s0[i] / ARG(double, 7)) / (sqrt(s1[i] / ARG(double, 8)) + eps));
                            }
                        }
                    }
                    if (counted != total) return 403;
                }
                return 0;
            }
            """;

    @TempDir
    Path folder;

    @Test
    void theBackendsLaunchesMatchTheKernelSignatures() throws IOException, InterruptedException {
        assumeTrue(CudaBackend.class.getResource("/dev/striate/cuda/kernels/optimizer.cu") != null,
                "the kernel sources (optimizer.cu and others) are not in this build");
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in driver cannot be built");
        Path lib = folder.resolve("lib");
        StandIns.build(lib, "libcuda.so.1", StandIns.HOST_DRIVER + KERNELS, null, "libm.so.6");
        StandIns.build(lib, "libnvrtc.so.13", NvrtcStandInTest.NVRTC, null);
        for (String name : List.of("libcublas.so.13", "libcudnn.so.9")) {
            Files.writeString(lib.resolve(name), "");
        }
        Path cache = folder.resolve("cache");
        String output = StandIns.java(Map.of("LD_LIBRARY_PATH", lib.toString(), "XDG_CACHE_HOME", cache.toString()),
                List.of("-Djava.io.tmpdir=" + Files.createDirectories(folder.resolve("tmp"))), BackendKernelsProbe.class);
        // sgd: step 1 g = 0.5 + 0.1·1 = 0.6, b = 0.6, θ = 0.94; step 2 g = 0.5 + 0.094 = 0.594, b = 0.54 + 0.594 = 1.134,
        // θ = 0.94 - 0.1134 = 0.8266; the bias without decay: 0.95, then b = 0.95, θ = 0.855.
        // adam at t = 1: θ -= lr·g/(|g| + ε), m = 0.1·g, v = 0.001·g².
        List<String> lines = output.lines().toList();
        assertEquals("scale [0.5, 1.0, 1.5]", lines.get(0));
        assertEquals("sum of squares 19.5", lines.get(1));
        double[] sgd = numbers(lines.get(2), "sgd ");
        assertEquals(0.8266, sgd[0], 1e-6);
        assertEquals(1.134, sgd[1], 1e-6);
        assertEquals(0.855, sgd[2], 1e-6);
        double[] adam = numbers(lines.get(3).replaceAll("[\\[\\],]", ""), "adam ");
        double[] expected = {0.99, 1.01, 0.05, -0.2, 0.00025, 0.004};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], adam[i], 1e-6, "adam value " + i);
        }
        assertEquals("top-2 [1, 2, 0, 2]", lines.get(4));
        assertEquals("fill i64 [1.099511627776E12, 1.099511627776E12]", lines.get(5));
        // The same Σ x² and top-2, queued into device tensors and read together.
        assertEquals("queued [19.5] [1.0, 2.0, 0.0, 2.0]", lines.get(6));
        // As bf16, row 0 is 1, 1, 1, 2, 2, -1 (ties in index order: 3, 4, 0, where the floats give 4, 3, 1) and
        // row 1 is -3, 7, 7, 0, 0, 5; the launch took topk.cu's bf16 variant, cached under its own name.
        assertEquals("bf16 top-3 [3, 4, 0, 1, 2, 5] [3.0, 4.0, 0.0, 1.0, 2.0, 5.0]", lines.get(7));
        // Two tensors zeroed in one launch over a table of both; a third, not listed, keeps its value.
        assertEquals("zero [0.0, 0.0, 0.0] [0.0] kept [0.5]", lines.get(8));
        try (var cached = Files.list(cache.resolve("striate").resolve("kernels"))) {
            List<String> names = cached.map(f -> f.getFileName().toString().replaceAll("-[0-9a-f]{16}-.*", ""))
                    .sorted().toList();
            assertEquals(List.of("elementwise", "optimizer", "topk", "topk-bf16"), names);
        }
        assertTrue(lines.size() == 9, output);
    }

    private static double[] numbers(String line, String prefix) {
        assertTrue(line.startsWith(prefix), line);
        String[] parts = line.substring(prefix.length()).trim().split("\\s+");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Double.parseDouble(parts[i]);
        }
        return values;
    }
}
