package dev.striate.cuda.doctor;

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
 * Doctor against stand-ins of the driver, cuBLAS, NVRTC and cuDNN (built with gcc from their documented C
 * signatures) found through {@code LD_LIBRARY_PATH}: every downcall's descriptor is exercised and the report is
 * compared line by line with a hand-written one. Without gcc the test is skipped.
 */
class DoctorStandInTest {
    private static final String DRIVER = """
            #include <stddef.h>
            #include <stdio.h>
            int cuDriverGetVersion(int *version) { *version = 13000; return 0; }
            int cuInit(unsigned int flags) { return flags == 0 ? INIT_STATUS : 1; }
            int cuDeviceGetCount(int *count) { *count = 2; return 0; }
            int cuDeviceGet(int *device, int ordinal) { *device = 40 + ordinal; return 0; }
            int cuDeviceGetName(char *name, int length, int device) {
                snprintf(name, length, "Stand-in GPU %d", device);
                return 0;
            }
            int cuDeviceGetAttribute(int *value, int attribute, int device) {
                *value = attribute == 75 ? 9 - (device - 40) : attribute == 76 ? device - 40 : -1;
                return 0;
            }
            int cuDeviceTotalMem_v2(size_t *bytes, int device) { *bytes = (size_t) (80 + device - 40) << 30; return 0; }
            int cuGetErrorName(int error, const char **name) {
                *name = error == 100 ? "CUDA_ERROR_NO_DEVICE" : "CUDA_ERROR_UNKNOWN";
                return 0;
            }
            """;

    @TempDir
    Path folder;

    private Path libraries(int initStatus) throws IOException, InterruptedException {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in CUDA libraries cannot be built");
        Path lib = folder.resolve("lib");
        StandIns.build(lib, "libcuda.so.1", "#define INIT_STATUS " + initStatus + "\n" + DRIVER, null);
        StandIns.build(lib, "libcublas.so.13",
                "int cublasGetProperty(int type, int *value) { *value = type == 0 ? 13 : type == 1 ? 1 : 2; return 0; }",
                "libcublas.so.13");
        StandIns.build(lib, "libnvrtc.so.13",
                "int nvrtcVersion(int *major, int *minor) { *major = 13; *minor = 0; return 0; }", null);
        StandIns.build(lib, "libcudnn.so.9",
                "#include <stddef.h>\nsize_t cudnnGetVersion(void) { return 91900; }", null);
        return lib;
    }

    private String doctor(Path lib) throws IOException, InterruptedException {
        return StandIns.java(Map.of("LD_LIBRARY_PATH", lib.toString(), "CUDA_HOME", "", "CUDA_PATH", ""), List.of(),
                DoctorProbe.class);
    }

    @Test
    void reportsTheDriverEachGpuAndEachLibraryWithItsVersion() throws IOException, InterruptedException {
        Path lib = libraries(0);
        String expected = """
                driver:  CUDA 13.0 (libcuda.so.1 on the loader's path)
                gpu 0:   Stand-in GPU 40, compute capability 9.0, 80.0 GiB
                gpu 1:   Stand-in GPU 41, compute capability 8.1, 81.0 GiB
                cuBLAS:  13.1.2 {lib}/libcublas.so.13 (LD_LIBRARY_PATH)
                NVRTC:   13.0 {lib}/libnvrtc.so.13 (LD_LIBRARY_PATH)
                cuDNN:   9.19.0 {lib}/libcudnn.so.9 (LD_LIBRARY_PATH)
                CUDA training can run here.
                unavailable: null
                """.replace("{lib}", lib.toString());
        assertEquals(expected, doctor(lib));
    }

    @Test
    void aDriverThatCannotStartIsNamedWithItsError() throws IOException, InterruptedException {
        String report = doctor(libraries(100));
        List<String> lines = report.lines().toList();
        String problem = "the NVIDIA driver 13.0 cannot start CUDA: cuInit failed with CUDA_ERROR_NO_DEVICE (no CUDA"
                + " GPU is visible: check nvidia-smi and CUDA_VISIBLE_DEVICES)";
        assertEquals(List.of("driver:  CUDA 13.0 (libcuda.so.1 on the loader's path)",
                "CUDA training cannot run here: " + problem, "unavailable: " + problem), lines);
    }
}
