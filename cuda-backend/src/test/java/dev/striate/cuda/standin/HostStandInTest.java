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
 * allocation through the caching allocator, zero fill, copies of every stored type both ways at the raw addresses
 * the backend hands JCuda, fills, out of memory, events, a kernel launch whose arguments the stand-in decodes as the
 * C signature {@code record(float *x, long long n, float f, int i, double d)} would, a missing GPU index, close. The stand-in checks that the context and stream it
 * gets back are the ones it handed out.
 */
class HostStandInTest {
    private static final String DRIVER = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef unsigned long long CUdeviceptr;
            static const size_t capacity = (size_t) 64 << 20;
            static size_t used;
            static int context_token, stream_token;
            int cuDriverGetVersion(int *version) { *version = 13000; return 0; }
            int cuInit(unsigned int flags) { return 0; }
            int cuDeviceGetCount(int *count) { *count = 1; return 0; }
            int cuDeviceGet(int *device, int ordinal) { *device = 0; return ordinal == 0 ? 0 : 101; }
            int cuDeviceGetName(char *name, int length, int device) { snprintf(name, length, "Host stand-in"); return 0; }
            int cuDeviceGetAttribute(int *value, int attribute, int device) {
                *value = attribute == 75 ? 9 : 0;
                return 0;
            }
            int cuDeviceTotalMem_v2(size_t *bytes, int device) { *bytes = capacity; return 0; }
            int cuGetErrorName(int error, const char **name) { *name = "CUDA_ERROR_STAND_IN"; return 0; }
            int cuDevicePrimaryCtxRetain(void **context, int device) { *context = &context_token; return 0; }
            int cuDevicePrimaryCtxRelease_v2(int device) { return 0; }
            int cuCtxSetCurrent(void *context) { return context == &context_token ? 0 : 201; }
            int cuStreamCreate(void **stream, unsigned int flags) { *stream = &stream_token; return 0; }
            int cuStreamSynchronize(void *stream) { return stream == &stream_token ? 0 : 400; }
            int cuStreamDestroy_v2(void *stream) { return stream == &stream_token ? 0 : 400; }
            int cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
                if (used + bytes > capacity) return 2;
                size_t *block = malloc(bytes + 16);
                block[0] = bytes;
                used += bytes;
                *pointer = (CUdeviceptr) (block + 2);
                return 0;
            }
            int cuMemFree_v2(CUdeviceptr pointer) {
                size_t *block = (size_t *) pointer - 2;
                used -= block[0];
                free(block);
                return 0;
            }
            int cuMemGetInfo_v2(size_t *free, size_t *total) { *free = capacity - used; *total = capacity; return 0; }
            int cuMemsetD8Async(CUdeviceptr to, unsigned char value, size_t n, void *stream) {
                memset((void *) to, value, n);
                return stream == &stream_token ? 0 : 400;
            }
            int cuMemsetD32Async(CUdeviceptr to, unsigned int value, size_t n, void *stream) {
                for (size_t i = 0; i < n; i++) ((unsigned int *) to)[i] = value;
                return stream == &stream_token ? 0 : 400;
            }
            int cuMemcpyHtoDAsync_v2(CUdeviceptr to, const void *from, size_t n, void *stream) {
                memcpy((void *) to, from, n);
                return stream == &stream_token ? 0 : 400;
            }
            int cuMemcpyDtoHAsync_v2(void *to, CUdeviceptr from, size_t n, void *stream) {
                memcpy(to, (const void *) from, n);
                return stream == &stream_token ? 0 : 400;
            }
            int cuEventCreate(void **event, unsigned int flags) { *event = malloc(8); return 0; }
            int cuEventRecord(void *event, void *stream) { return stream == &stream_token ? 0 : 400; }
            int cuEventSynchronize(void *event) { return 0; }
            int cuEventElapsedTime(float *milliseconds, void *start, void *stop) { *milliseconds = 1.5f; return 0; }
            int cuEventDestroy_v2(void *event) { free(event); return 0; }
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
                "released MemoryStatistics[bytesInUse=0, bytesCached=1536, peakBytesInUse=1536, driverAllocations=3]",
                "CUDA out of memory: 128.0 MiB requested, 0 bytes in use by Striate, 64.0 MiB free on the GPU;"
                        + " use a smaller --batch (or a smaller model or input size)",
                "after MemoryStatistics[bytesInUse=0, bytesCached=0, peakBytesInUse=1536, driverAllocations=3]",
                "timer 1.5",
                "launch [5.0, 1.5, 7.0, 2.25, 3.0, 128.0, 1.0]",
                "kernel argument 1 is a String; expected a Tensor, Integer, Long, Float or Double",
                "--device cuda:1 does not exist: this machine has 1 GPU (cuda:0)",
                "closed"), output.lines().toList());
    }
}
