package dev.striate.cuda.device;

import static dev.striate.cuda.device.CudaException.check;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import jcuda.driver.JCudaDriver;

/**
 * Host memory page-locked for the driver ({@code cuMemHostRegister}) once per memory segment: a loader reuses a few
 * batch buffers for a whole run, so each is registered at its first copy and stays registered until {@link #close}.
 * From registered memory {@code cuMemcpyHtoDAsync} is a DMA queued on a stream; from pageable memory the driver
 * stages the copy through its own buffer and may hold the host until it is done.
 */
public final class HostRegistrations implements AutoCloseable {
    private final CudaDevice device;
    /** Registered segments by start address; their ranges never overlap. */
    private final NavigableMap<Long, MemorySegment> registered = new TreeMap<>();

    public HostRegistrations(CudaDevice device) {
        this.device = device;
    }

    /** A pointer to {@code segment}'s memory, registered first unless a registration of live memory covers it. */
    public synchronized HostPointer pin(MemorySegment segment) {
        long address = segment.address();
        long end = address + segment.byteSize();
        Map.Entry<Long, MemorySegment> covering = registered.floorEntry(address);
        boolean covered = covering != null && covering.getValue().scope().isAlive()
                && covering.getKey() + covering.getValue().byteSize() >= end;
        if (!covered) {
            // What overlaps is a shorter registration of the same buffer (a partial batch came first) or memory
            // freed since and handed out again at the same address: either is replaced.
            List<MemorySegment> overlapping = new ArrayList<>();
            for (MemorySegment other : registered.headMap(end, false).values()) {
                if (other.address() + other.byteSize() > address) {
                    overlapping.add(other);
                }
            }
            overlapping.forEach(this::unpin);
            device.makeCurrent();
            check(JCudaDriver.cuMemHostRegister(HostPointer.at(address), segment.byteSize(), 0), "cuMemHostRegister");
            registered.put(address, segment);
        }
        return HostPointer.at(address);
    }

    /** Unregisters a segment registered by {@link #pin}, after every copy queued on either stream is done. */
    public synchronized void unpin(MemorySegment segment) {
        if (registered.remove(segment.address()) == null) {
            throw new IllegalStateException("host memory at 0x" + Long.toHexString(segment.address())
                    + " is not registered");
        }
        device.makeCurrent();
        device.synchronize();
        check(JCudaDriver.cuStreamSynchronize(device.copyStream()), "cuStreamSynchronize");
        check(JCudaDriver.cuMemHostUnregister(HostPointer.at(segment.address())), "cuMemHostUnregister");
    }

    /**
     * Unregisters everything, memory a loader has already freed included: the driver keeps such pages pinned until it
     * is told, and a later backend in the same process (a sweep's next trial) could not register memory handed out
     * again at the same address.
     */
    @Override
    public synchronized void close() {
        new ArrayList<>(registered.values()).forEach(this::unpin);
    }
}
