package dev.striate.core.data;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** One reusable batch: images, labels and, per slot, why its sample failed (null when it did not). */
final class BatchBuffer {
    /** Page-aligned, so that a GPU backend can register (pin) it as it is. */
    private static final long PAGE = 4096;
    final MemorySegment images;
    final int[] labels;
    final String[] failures;

    BatchBuffer(Arena memory, int batchSize, int itemSize) {
        images = memory.allocate((long) batchSize * itemSize * Float.BYTES, PAGE);
        labels = new int[batchSize];
        failures = new String[batchSize];
    }
}
