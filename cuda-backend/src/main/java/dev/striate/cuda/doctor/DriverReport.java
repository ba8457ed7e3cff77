package dev.striate.cuda.doctor;

import java.util.List;

/**
 * What the NVIDIA driver said: where {@code libcuda.so.1} was loaded from, its CUDA version ({@code 13000} for 13.0),
 * the GPUs it sees, and the problem (null when CUDA can start).
 */
public record DriverReport(String library, int version, List<Gpu> gpus, String problem) {
    /** One GPU: its name, compute capability and memory. */
    public record Gpu(int index, String name, int computeMajor, int computeMinor, long memoryBytes) {
        public String computeCapability() {
            return computeMajor + "." + computeMinor;
        }
    }

    static DriverReport failed(String library, int version, String problem) {
        return new DriverReport(library, version, List.of(), problem);
    }

    /** The CUDA major version this driver supports: 13 for 13000. */
    public int cudaMajor() {
        return version / 1000;
    }

    /** {@code 13.0} for 13000; "unknown" for 0. */
    static String versionText(int version) {
        return version == 0 ? "(version unknown)" : version / 1000 + "." + version % 1000 / 10;
    }
}
