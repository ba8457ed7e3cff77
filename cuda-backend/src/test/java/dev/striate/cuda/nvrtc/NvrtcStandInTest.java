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
     * A stand-in NVRTC: the "image" it compiles names the program, the source length, "bf16" for a source's bf16
     * variant ({@code storage.cuh} after {@code #define STRIATE_BF16}), and the options.
     */
    public static final String NVRTC = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef struct { char *source; char *name; char log[256]; char image[512]; } program;
            int nvrtcVersion(int *major, int *minor) { *major = 13; *minor = 0; return 0; }
            int nvrtcGetNumSupportedArchs(int *count) { *count = 3; return 0; }
            int nvrtcGetSupportedArchs(int *architectures) {
                architectures[0] = 75; architectures[1] = 80; architectures[2] = 90;
                return 0;
            }
            const char *nvrtcGetErrorString(int result) {
                return result == 6 ? "NVRTC_ERROR_COMPILATION" : "NVRTC_ERROR_OTHER";
            }
            int nvrtcCreateProgram(program **created, const char *source, const char *name, int headers,
                                   const char *const *headerSources, const char *const *includeNames) {
                if (headers != 0 || headerSources != NULL || includeNames != NULL) return 3;
                program *p = calloc(1, sizeof(program));
                p->source = strdup(source);
                p->name = strdup(name);
                *created = p;
                return 0;
            }
            int nvrtcCompileProgram(program *p, int count, const char *const *options) {
                if (strstr(p->source, "#error") != NULL) {
                    snprintf(p->log, sizeof p->log, "%s(1): error: stand-in refuses", p->name);
                    return 6;
                }
                snprintf(p->image, sizeof p->image, "%s|%zu|", p->name, strlen(p->source));
                if (strstr(p->source, "#define STRIATE_BF16") != NULL) strcat(p->image, "bf16|");
                for (int i = 0; i < count; i++) {
                    strcat(p->image, options[i]);
                    strcat(p->image, ";");
                }
                return 0;
            }
            int nvrtcGetCUBINSize(program *p, size_t *size) { *size = strlen(p->image); return 0; }
            int nvrtcGetCUBIN(program *p, char *out) { memcpy(out, p->image, strlen(p->image)); return 0; }
            int nvrtcGetPTXSize(program *p, size_t *size) { *size = strlen(p->image) + 1; return 0; }
            int nvrtcGetPTX(program *p, char *out) { strcpy(out, p->image); return 0; }
            int nvrtcGetProgramLogSize(program *p, size_t *size) { *size = strlen(p->log) + 1; return 0; }
            int nvrtcGetProgramLog(program *p, char *out) { strcpy(out, p->log); return 0; }
            int nvrtcDestroyProgram(program **p) {
                free((*p)->source);
                free((*p)->name);
                free(*p);
                *p = NULL;
                return 0;
            }
            """;

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
