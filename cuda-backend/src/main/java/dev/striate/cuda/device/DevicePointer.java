package dev.striate.cuda.device;

import jcuda.driver.CUdeviceptr;

/**
 * A JCuda device pointer whose raw address can be read: JCuda keeps it in a protected field, reachable from a
 * subclass. {@link #at} wraps an address the caching allocator handed out (JCuda adds the byte offset to a null
 * base, which is the address itself).
 */
public final class DevicePointer extends CUdeviceptr {
    DevicePointer() {
    }

    private DevicePointer(CUdeviceptr base, long byteOffset) {
        super(base, byteOffset);
    }

    public static DevicePointer at(long address) {
        return new DevicePointer(new CUdeviceptr(), address);
    }

    public long address() {
        return getNativePointer() + getByteOffset();
    }
}
