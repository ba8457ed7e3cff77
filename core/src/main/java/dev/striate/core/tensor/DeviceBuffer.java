package dev.striate.core.tensor;

/**
 * Memory owned by a backend (a Java array for the reference backend, device memory for CUDA).
 * Only the backend that allocated a buffer reads or writes it.
 */
public interface DeviceBuffer {
    /** The backend that owns this buffer, named as in {@code Backend.name()}. */
    String backendName();
}
