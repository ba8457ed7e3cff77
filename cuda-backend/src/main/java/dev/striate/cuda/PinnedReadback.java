package dev.striate.cuda;

import dev.striate.cuda.device.HostRegistrations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory that a step's results (loss, gradient norm, predictions) are copied into, every copy
 * queued on the compute stream, so that one wait reads them all. Grown on demand; a step's results are a few
 * kilobytes, so it is allocated once in practice.
 */
final class PinnedReadback implements AutoCloseable {
    private static final long PAGE = 4096;

    private final HostRegistrations registrations;
    private Arena arena;
    private MemorySegment memory;

    PinnedReadback(HostRegistrations registrations) {
        this.registrations = registrations;
    }

    /** At least {@code bytes} of registered memory, valid until the next call. */
    MemorySegment memory(long bytes) {
        if (memory == null || memory.byteSize() < bytes) {
            close();
            arena = Arena.ofShared();
            memory = arena.allocate((Math.max(bytes, 1) + PAGE - 1) / PAGE * PAGE, PAGE);
            registrations.pin(memory);
        }
        return memory;
    }

    @Override
    public void close() {
        if (memory != null) {
            registrations.unpin(memory);
            arena.close();
            memory = null;
            arena = null;
        }
    }
}
