package dev.striate.cpu;

import dev.striate.core.tensor.DeviceBuffer;

/** The reference backend's memory: a double array, whatever the tensor's dtype. */
public record CpuBuffer(double[] data) implements DeviceBuffer {
    @Override
    public String backendName() {
        return CpuBackend.NAME;
    }
}
