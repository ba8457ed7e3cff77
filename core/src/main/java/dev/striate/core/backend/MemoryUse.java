package dev.striate.core.backend;

/**
 * The bytes a backend holds in tensors: now, and the most at any moment since its peak was last reset
 * ({@link Backend#resetPeakMemory()}), so that a benchmark can report the peak of steady-state steps alone.
 */
public record MemoryUse(long bytesInUse, long peakBytesInUse) {
    public MemoryUse {
        if (bytesInUse < 0 || peakBytesInUse < bytesInUse) {
            throw new IllegalArgumentException("memory in use " + bytesInUse + " and peak " + peakBytesInUse
                    + " bytes: the peak must be at least the bytes in use, which must not be negative");
        }
    }
}
