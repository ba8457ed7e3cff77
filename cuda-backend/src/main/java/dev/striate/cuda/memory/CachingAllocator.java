package dev.striate.cuda.memory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps freed device blocks in free lists by size class and hands them out again, so that after the first training
 * step (which allocates every activation, gradient and workspace once) a step asks the driver for nothing:
 * {@code cuMemAlloc} synchronises the device and costs far more than a kernel. Size classes are multiples of 512
 * bytes up to 1 MiB, then quarter steps between powers of two (1, 1.25, 1.5, 1.75, 2 MiB, ...), so a request
 * wastes under 25%. When the driver is out of memory, the cached blocks are returned to it and the request tried
 * once more before the user is told. All work is on one stream, so a block freed here can be reused at once: work
 * queued later on that stream runs after the work that used it.
 */
public final class CachingAllocator implements AutoCloseable {
    private static final long SMALL = 512;
    private static final long MEBIBYTE = 1 << 20;

    private final DeviceMemory driver;
    private final TreeMap<Long, ArrayDeque<Long>> cached = new TreeMap<>();
    private final Map<Long, Long> live = new HashMap<>();
    private long bytesInUse;
    private long bytesCached;
    private long peakBytesInUse;
    private long driverAllocations;

    public CachingAllocator(DeviceMemory driver) {
        this.driver = driver;
    }

    /** The bytes a request of {@code bytes} occupies. */
    public static long sizeClass(long bytes) {
        if (bytes <= MEBIBYTE) {
            return Math.max(SMALL, (bytes + SMALL - 1) / SMALL * SMALL);
        }
        long step = Long.highestOneBit(bytes - 1) / 4;
        return (bytes + step - 1) / step * step;
    }

    /** The address of a block of at least {@code bytes}; throws {@link DeviceOutOfMemoryException}. */
    public synchronized long allocate(long bytes) {
        long size = sizeClass(bytes);
        ArrayDeque<Long> free = cached.get(size);
        long address;
        if (free != null && !free.isEmpty()) {
            address = free.pop();
            bytesCached -= size;
        } else {
            address = driver.allocate(size);
            if (address == 0) {
                releaseCached();
                address = driver.allocate(size);
            }
            if (address == 0) {
                throw new DeviceOutOfMemoryException(bytes, bytesInUse, driver.freeBytes());
            }
            driverAllocations++;
        }
        live.put(address, size);
        bytesInUse += size;
        peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
        return address;
    }

    /** Takes a block back into its free list. */
    public synchronized void free(long address) {
        Long size = live.remove(address);
        if (size == null) {
            throw new IllegalStateException("device block 0x" + Long.toHexString(address)
                    + " was not allocated here or was freed twice");
        }
        bytesInUse -= size;
        bytesCached += size;
        cached.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
    }

    /** Returns every cached block to the driver. */
    public synchronized void releaseCached() {
        for (ArrayDeque<Long> free : cached.values()) {
            free.forEach(driver::free);
        }
        cached.clear();
        bytesCached = 0;
    }

    /** Starts the peak again from the bytes in use now (a benchmark's peak of the steps after warm-up). */
    public synchronized void resetPeak() {
        peakBytesInUse = bytesInUse;
    }

    public synchronized MemoryStatistics statistics() {
        return new MemoryStatistics(bytesInUse, bytesCached, peakBytesInUse, driverAllocations);
    }

    /** Frees every block, cached or still in use (the backend is closing). */
    @Override
    public synchronized void close() {
        releaseCached();
        live.keySet().forEach(driver::free);
        live.clear();
        bytesInUse = 0;
    }
}
