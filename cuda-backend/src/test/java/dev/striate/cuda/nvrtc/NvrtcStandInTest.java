package dev.striate.cuda.nvrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.cuda.standin.StandIns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Nvrtc}'s downcalls against a stand-in {@code libnvrtc.so.13} built with gcc from NVRTC's documented C API:
 * the program is created from the source and name, compiled with the options, and the image, the PTX (with its NUL)
 * or the log come back; the architecture falls back to PTX for a GPU newer than NVRTC knows.
 */
public class NvrtcStandInTest {
    /**
     * A stand-in NVRTC, the null device's ({@code tools/null-device/null-nvrtc.c}): the "image" it compiles names the
     * program, the source length, "bf16" for a source's bf16 variant ({@code storage.cuh} after
     * {@code #define STRIATE_BF16}), and the options.
     */
    public static final String NVRTC = StandIns.nullDeviceSource("null-nvrtc.c");

    @TempDir
    Path folder;

    @Test
    void compilesThroughTheCApiAndReportsTheLog() throws IOException, InterruptedException {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in libnvrtc.so.13 cannot be built");
        Path library = StandIns.build(folder, "libnvrtc.so.13", NVRTC, null);
        List<String> lines = StandIns.java(Map.of(), List.of(), NvrtcProbe.class, library.toString()).lines().toList();
        // The source of the first compilation, extern "C" __global__ void f() {}, has 33 characters (6 + 1 + 3 + 1 + 10 + 1 + 4 + 1 + 3 + 1 + 2); "extern" 6.
        assertEquals(List.of(
                "version 13.0",
                "9.0 -> Target[architecture=sm_90, cubin=true]",
                "12.0 -> Target[architecture=compute_90, cubin=false]",
                "cubin good.cu|33|--gpu-architecture=sm_90;--std=c++17;",
                "ptx good.cu|6|--gpu-architecture=compute_90;--std=c++17;<NUL>",
                "error NVRTC 13.0 could not compile bad.cu for sm_90 (NVRTC_ERROR_COMPILATION):",
                "bad.cu(1): error: stand-in refuses"), lines);
    }
}
