package dev.striate.cuda.device;

import jcuda.Pointer;

/**
 * A JCuda pointer to host memory at a raw address (off-heap memory of a {@link java.lang.foreign.MemorySegment}), the
 * same kind of pointer JCuda makes for memory from {@code cuMemAllocHost}: the driver gets the address itself.
 */
public final class HostPointer extends Pointer {
    private HostPointer(long address) {
        super(address);
    }

    public static HostPointer at(long address) {
        return new HostPointer(address);
    }
}
