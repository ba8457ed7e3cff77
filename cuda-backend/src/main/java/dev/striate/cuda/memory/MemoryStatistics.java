package dev.striate.cuda.memory;

/**
 * The caching allocator's counters: bytes handed out and not freed, bytes kept for reuse, the most ever in use, and
 * how many blocks were asked of the driver (flat after warm-up when a training step allocates nothing new).
 */
public record MemoryStatistics(long bytesInUse, long bytesCached, long peakBytesInUse, long driverAllocations) {
}
