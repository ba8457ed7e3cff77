package dev.striate.cuda;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.DeviceBuffer;

/**
 * A tensor's device memory: its address, its size in bytes and the element type stored there (the tensor's own:
 * F32 for fp32 and tf32 work, I32 labels, I64 counters). Released buffers are marked so a second release or a late
 * use fails by name instead of touching memory that was handed out again.
 */
public final class CudaBuffer implements DeviceBuffer {
    private final long address;
    private final long bytes;
    private final DType dtype;
    private boolean released;

    CudaBuffer(long address, long bytes, DType dtype) {
        this.address = address;
        this.bytes = bytes;
        this.dtype = dtype;
    }

    @Override
    public String backendName() {
        return CudaBackend.NAME;
    }

    public long address() {
        if (released) {
            throw new IllegalStateException("a CUDA tensor was used after it was released");
        }
        return address;
    }

    public long bytes() {
        return bytes;
    }

    public DType dtype() {
        return dtype;
    }

    void markReleased() {
        if (released) {
            throw new IllegalStateException("a CUDA tensor was released twice");
        }
        released = true;
    }
}
