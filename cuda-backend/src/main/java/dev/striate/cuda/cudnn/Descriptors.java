package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The cuDNN descriptors one node made (tensor, filter, convolution, activation, ...), destroyed together when the
 * node's preparation is closed: descriptors are host objects cuDNN allocates, and a process that compiles graphs
 * again and again (evaluation between epochs, a sweep) would otherwise leak them.
 */
public final class Descriptors implements AutoCloseable {
    private static final FunctionDescriptor ONE_POINTER = FunctionDescriptor.of(JAVA_INT, ADDRESS);

    private record Made(String kind, MemorySegment descriptor) {
    }

    private final CudnnLibrary library;
    private final List<Made> made = new ArrayList<>();

    public Descriptors(CudnnLibrary library) {
        this.library = library;
    }

    public CudnnLibrary library() {
        return library;
    }

    /** A new descriptor from {@code cudnnCreate<kind>Descriptor(kind_t*)}, destroyed by {@link #close}. */
    public MemorySegment create(String kind) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment out = scratch.allocate(ADDRESS);
            Cudnn.call(library, "cudnnCreate" + kind + "Descriptor", ONE_POINTER, out);
            MemorySegment descriptor = out.get(ADDRESS, 0);
            made.add(new Made(kind, descriptor));
            return descriptor;
        }
    }

    /** Destroys every descriptor made, newest first; a second close does nothing. */
    @Override
    public void close() {
        for (Made m : made.reversed()) {
            Cudnn.call(library, "cudnnDestroy" + m.kind() + "Descriptor", ONE_POINTER, m.descriptor());
        }
        made.clear();
    }
}
