package dev.striate.cuda.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator over a fake driver that counts calls and has a fixed capacity. */
class CachingAllocatorTest {
    /** Hands out increasing addresses until {@code capacity} bytes are taken. */
    private static final class FakeDriver implements DeviceMemory {
        final long capacity;
        final Map<Long, Long> blocks = new HashMap<>();
        long next = 0x7f0000000000L;
        int allocations;
        int frees;

        FakeDriver(long capacity) {
            this.capacity = capacity;
        }

        long taken() {
            return blocks.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public long allocate(long bytes) {
            if (taken() + bytes > capacity) {
                return 0;
            }
            allocations++;
            long address = next;
            next += bytes;
            blocks.put(address, bytes);
            return address;
        }

        @Override
        public void free(long address) {
            frees++;
            assertTrue(blocks.remove(address) != null, "freed an unknown block");
        }

        @Override
        public long freeBytes() {
            return capacity - taken();
        }
    }

    @Test
    void sizeClassesAreHandWorked() {
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(512, CachingAllocator.sizeClass(512));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1 << 20, CachingAllocator.sizeClass(1 << 20));
        // 1 MiB + 1: the power of two below is 1 MiB, steps of 256 KiB, so 1.25 MiB.
        assertEquals(1310720, CachingAllocator.sizeClass((1 << 20) + 1));
        // 3 MiB: power of two below 2 MiB, steps of 512 KiB: exactly 3 MiB.
        assertEquals(3 << 20, CachingAllocator.sizeClass(3 << 20));
        // 4 MiB + 1: steps of 1 MiB, so 5 MiB.
        assertEquals(5 << 20, CachingAllocator.sizeClass((4 << 20) + 1));
        for (long bytes = 1; bytes < 1L << 34; bytes = bytes * 3 + 7) {
            long size = CachingAllocator.sizeClass(bytes);
            assertTrue(size >= bytes && size < bytes * 1.25 + 512, bytes + " -> " + size);
        }
    }

    @Test
    void aRepeatedStepAllocatesNothingFromTheDriverAfterWarmUp() {
        FakeDriver driver = new FakeDriver(1L << 40);
        CachingAllocator allocator = new CachingAllocator(driver);
        long[] sizes = {4 * 64 * 112 * 112, 4 * 1000, 37, 4 * 512 * 7 * 7, 3 << 20};
        for (int step = 0; step < 1000; step++) {
            List<Long> blocks = new ArrayList<>();
            for (long size : sizes) {
                blocks.add(allocator.allocate(size));
            }
            blocks.forEach(allocator::free);
        }
        assertEquals(sizes.length, driver.allocations);
        MemoryStatistics statistics = allocator.statistics();
        assertEquals(sizes.length, statistics.driverAllocations());
        assertEquals(0, statistics.bytesInUse());
        long expectedTotal = 0;
        for (long size : sizes) {
            expectedTotal += CachingAllocator.sizeClass(size);
        }
        assertEquals(expectedTotal, statistics.bytesCached());
        assertEquals(expectedTotal, statistics.peakBytesInUse());
        allocator.close();
        assertTrue(driver.blocks.isEmpty());
    }

    @Test
    void thePeakStartsAgainFromTheBytesInUseWhenReset() {
        CachingAllocator allocator = new CachingAllocator(new FakeDriver(1L << 30));
        long weights = allocator.allocate(3 << 20);
        long activations = allocator.allocate(5 << 20);
        allocator.free(activations);
        assertEquals(8 << 20, allocator.statistics().peakBytesInUse());
        allocator.resetPeak();
        assertEquals(3 << 20, allocator.statistics().peakBytesInUse());
        // 1000 bytes take one 1024-byte size class.
        long small = allocator.allocate(1000);
        assertEquals((3 << 20) + 1024, allocator.statistics().peakBytesInUse());
        allocator.free(small);
        allocator.free(weights);
        assertEquals((3 << 20) + 1024, allocator.statistics().peakBytesInUse());
        allocator.close();
    }

    @Test
    void outOfMemoryReturnsTheCacheFirstThenSaysWhatToChange() {
        FakeDriver driver = new FakeDriver(10 << 20);
        CachingAllocator allocator = new CachingAllocator(driver);
        long small = allocator.allocate(6 << 20);
        allocator.free(small);
        // 6 MiB are cached; 8 MiB fit only after the cache is given back.
        long big = allocator.allocate(8 << 20);
        assertEquals(1, driver.frees);
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> allocator.allocate(3 << 20));
        assertEquals("CUDA out of memory: 3.0 MiB requested, 8.0 MiB in use by Striate, 2.0 MiB free on the GPU;"
                + " use a smaller --batch (or a smaller model or input size)", e.getMessage());
        allocator.free(big);
        assertThrows(IllegalStateException.class, () -> allocator.free(big));
    }
}
