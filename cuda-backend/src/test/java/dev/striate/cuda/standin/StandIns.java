package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
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
    /**
     * A device that is the host, without streams: the driver's version, one GPU ("Host stand-in", compute capability
     * 9.0, 64 MiB), one context (checked whenever it comes back), and "device memory" from malloc with its use
     * counted. Drivers add their streams, copies, fills and events ({@link #HOST_DRIVER}, {@link CopyStreamDriver}).
     */
    public static final String HOST_DEVICE = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef unsigned long long CUdeviceptr;
            static const size_t capacity = (size_t) 64 << 20;
            static size_t used;
            static int context_token;
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
            """;

    /**
     * A driver whose device is the host ({@link #HOST_DEVICE}) with one stream (checked whenever it comes back),
     * copies and fills as memcpy and loops, events that report 1.5 ms. Tests append their {@code cuModuleLoadData},
     * {@code cuModuleGetFunction} and {@code cuLaunchKernel}. Host registration succeeds and changes nothing (host
     * memory is the device's here).
     */
    public static final String HOST_DRIVER = HOST_DEVICE + """
            static int stream_token;
            int cuStreamCreate(void **stream, unsigned int flags) { *stream = &stream_token; return 0; }
            int cuStreamSynchronize(void *stream) { return stream == &stream_token ? 0 : 400; }
            int cuStreamDestroy_v2(void *stream) { return stream == &stream_token ? 0 : 400; }
            int cuMemsetD8Async(CUdeviceptr to, unsigned char value, size_t n, void *stream) {
                memset((void *) to, value, n);
                return stream == &stream_token ? 0 : 400;
            }
            int cuMemsetD16Async(CUdeviceptr to, unsigned short value, size_t n, void *stream) {
                for (size_t i = 0; i < n; i++) ((unsigned short *) to)[i] = value;
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
            int cuStreamWaitEvent(void *stream, void *event, unsigned int flags) { return stream == &stream_token ? 0 : 400; }
            int cuMemHostRegister_v2(void *p, size_t bytes, unsigned int flags) { return 0; }
            int cuMemHostUnregister(void *p) { return 0; }
                        """;

    private StandIns() {
    }

    /**
     * The C source {@code file} of {@code tools/null-device} (the null CUDA libraries of
     * {@code tools/host-step-bench.sh}), for a stand-in that is one of them.
     */
    public static String nullDeviceSource(String file) {
        try {
            return Files.readString(Path.of("..", "tools", "null-device", file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
