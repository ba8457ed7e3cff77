package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Calls into cuDNN through {@link CudnnLibrary}, the enum values this package uses (as in cuDNN 9's headers), and the
 * host-side scaling factors cuDNN reads (float for float tensors). Every call's status is checked.
 */
public final class Cudnn {
    public static final int DATA_FLOAT = 0;
    public static final int TENSOR_NCHW = 0;
    public static final int CROSS_CORRELATION = 1;
    public static final int PROPAGATE_NAN = 1;

    private Cudnn() {
    }

    /** Calls {@code symbol} (which returns a {@code cudnnStatus_t}) and throws, naming it, unless it succeeded. */
    public static void call(CudnnLibrary library, String symbol, FunctionDescriptor descriptor, Object... arguments) {
        MethodHandle function = library.function(symbol, descriptor);
        int status;
        try {
            status = (int) function.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(symbol + " could not be called", e);
        }
        library.check(status, symbol);
    }

    /** A device address as the pointer argument cuDNN expects. */
    public static MemorySegment device(long address) {
        return MemorySegment.ofAddress(address);
    }

    /** Creates a descriptor with {@code cudnnCreate<kind>Descriptor(kind_t*)} and returns it. */
    static MemorySegment createDescriptor(CudnnLibrary library, Arena arena, String kind) {
        MemorySegment out = arena.allocate(ADDRESS);
        call(library, "cudnnCreate" + kind + "Descriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS), out);
        return out.get(ADDRESS, 0);
    }

    /** The float constants 1 and 0, for cuDNN's alpha and beta (result = alpha·op + beta·result). */
    public record Scalars(MemorySegment one, MemorySegment zero) {
        public static Scalars in(Arena arena) {
            return new Scalars(arena.allocateFrom(JAVA_FLOAT, 1f), arena.allocateFrom(JAVA_FLOAT, 0f));
        }

        /** beta: 1 to add into the destination (gradients), 0 to overwrite it. */
        public MemorySegment beta(boolean accumulate) {
            return accumulate ? one : zero;
        }
    }
}
