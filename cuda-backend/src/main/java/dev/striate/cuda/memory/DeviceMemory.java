package dev.striate.cuda.memory;

/** Memory straight from the driver ({@code cuMemAlloc}/{@code cuMemFree}), or a fake in tests. */
public interface DeviceMemory {
    /** The address of {@code bytes} new bytes, or 0 when the device is out of memory (other failures throw). */
    long allocate(long bytes);

    void free(long address);

    /** Bytes free on the device now ({@code cuMemGetInfo}). */
    long freeBytes();
}
