package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend through JCuda's real driver native against a stand-in {@code libcuda.so.1} (gcc, the driver's
 * documented C signatures) whose device memory is host memory and whose capacity is 64 MiB: context, stream,
 * allocation through the caching allocator, zero fill, copies of every stored type (bf16 rounded on the host) both
 * ways at the raw addresses the backend hands JCuda, fills, out of memory, events, a kernel launch whose arguments the
 * stand-in decodes as the C signature {@code record(float *x, long long n, float f, int i, double d)} would, a
 * missing GPU index, close. The stand-in checks that the context and stream it gets back are the ones it handed out.
 */
class HostStandInTest {
    private static final String DRIVER = StandIns.HOST_DRIVER + """
            static int module_token, function_token;
            int cuModuleLoadData(void **module, const void *image) { *module = &module_token; return 0; }
            int cuModuleUnload(void *module) { return 0; }
            int cuModuleGetFunction(void **function, void *module, const char *name) {
                if (module != &module_token || strcmp(name, "record") != 0) return 500;
                *function = &function_token;
                return 0;
            }
            /* "record(float *x, long long n, float f, int i, double d)" writes what it was given into x. */
            int cuLaunchKernel(void *function, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                               unsigned int by, unsigned int bz, unsigned int shared, void *stream, void **parameters,
                               void **extra) {
                if (function != &function_token || stream != &stream_token || extra != NULL) return 400;
                float *x = *(float **) parameters[0];
                x[0] = (float) *(long long *) parameters[1];
                x[1] = *(float *) parameters[2];
                x[2] = (float) *(int *) parameters[3];
                x[3] = (float) *(double *) parameters[4];
                x[4] = (float) gx;
                x[5] = (float) bx;
                x[6] = (float) (gy * gz * by * bz * (shared + 1));
                return 0;
            }
            """;

    @TempDir
    Path folder;

    @Test
    void theBackendRunsOnJCudasDriverNativeAgainstHostMemory() throws IOException, InterruptedException {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in libcuda.so.1 cannot be built");
        Path lib = folder.resolve("lib");
        StandIns.build(lib, "libcuda.so.1", DRIVER, null);
        // Found, not loaded, by the provider's check.
        for (String name : List.of("libcublas.so.13", "libnvrtc.so.13", "libcudnn.so.9")) {
            Files.writeString(lib.resolve(name), "");
        }
        Path temporary = Files.createDirectories(folder.resolve("tmp"));
        String output = StandIns.java(Map.of("LD_LIBRARY_PATH", lib.toString(), "XDG_CACHE_HOME",
                folder.resolve("cache").toString()), List.of("-Djava.io.tmpdir=" + temporary), HostBackendProbe.class);
        // Blocks of 12, 8 and 16 bytes each take the smallest size class, 512 bytes.
        assertEquals(List.of(
                "cuda:0 Host stand-in (sm_90, 0.1 GiB), fp32",
                "zeros [0.0, 0.0, 0.0]",
                "f32 [1.5, -2.0, 3.25]",
                "i32 [3.0, -7.0]",
                "i64 [1.099511627776E12, -5.0]",
                "fill [2.5, 2.5, 2.5] [7.0, 7.0]",
                // 1 + 2^-8 ties to even (1); 0.1 rounds up to 0x3dcd; a fill stores the same bits (cuMemsetD16Async).
                "bf16 [1.0, 0.10009765625, -3.0]",
                "bf16 fill [[0.10009765625, 0.10009765625, 0.10009765625], [2.5, 2.5, 2.5]]",
                "released MemoryStatistics[bytesInUse=0, bytesCached=2048, peakBytesInUse=2048, driverAllocations=4]",
                "CUDA out of memory: 128.0 MiB requested, 0 bytes in use by Striate, 64.0 MiB free on the GPU;"
                        + " use a smaller --batch (or a smaller model or input size)",
                "after MemoryStatistics[bytesInUse=0, bytesCached=0, peakBytesInUse=2048, driverAllocations=4]",
                "timer 1.5",
                "launch [5.0, 1.5, 7.0, 2.25, 3.0, 128.0, 1.0]",
                "kernel argument 1 is a String; expected a Tensor, Integer, Long, Float or Double",
                "--device cuda:1 does not exist: this machine has 1 GPU (cuda:0)",
                "closed"), output.lines().toList());
    }
}
