package dev.striate.cuda.kernel;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.DeviceBuffer;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tensors with made-up device addresses and no memory, for running the CUDA kernels' host code without a GPU: it
 * knows which addresses are live, so a test can tell a launch that reads a released or unknown tensor.
 */
final class FakeDevice {
    /** Tensor addresses start here, above every host address and the small numbers fake descriptors get. */
    static final long TENSOR_BASE = 1L << 56;
    private static final long SPACING = 1L << 24;

    private record Buffer(long address) implements DeviceBuffer {
        @Override
        public String backendName() {
            return "cuda";
        }
    }

    private final Map<Long, Tensor> live = new HashMap<>();
    private final List<Tensor> allocated = new ArrayList<>();
    private final Set<Tensor> uninitialized = Collections.newSetFromMap(new IdentityHashMap<>());
    private long next = TENSOR_BASE;

    Tensor allocate(Shape shape, DType dtype) {
        Tensor tensor = new Tensor(shape, dtype, new Buffer(next));
        live.put(next, tensor);
        allocated.add(tensor);
        next += SPACING;
        return tensor;
    }

    /** As {@link #allocate}, its contents undefined: the host emulation starts it as NaN. */
    Tensor allocateUninitialized(Shape shape, DType dtype) {
        Tensor tensor = allocate(shape, dtype);
        uninitialized.add(tensor);
        return tensor;
    }

    /** Whether the tensor was handed out without defined contents ({@link #allocateUninitialized}). */
    boolean uninitialized(Tensor tensor) {
        return uninitialized.contains(tensor);
    }

    void release(Tensor tensor) {
        if (live.remove(address(tensor)) == null) {
            throw new AssertionError("released a tensor that is not live: " + tensor.shape());
        }
    }

    long address(Tensor tensor) {
        return ((Buffer) tensor.buffer()).address();
    }

    boolean isLive(Tensor tensor) {
        return live.containsKey(address(tensor));
    }

    /** Whether a raw address points into a live tensor (or is not a tensor address at all). */
    boolean isLiveOrNotTensor(long address) {
        if (address < TENSOR_BASE) {
            return true;
        }
        long start = TENSOR_BASE + (address - TENSOR_BASE) / SPACING * SPACING;
        return live.containsKey(start);
    }

    /** The tensor that starts at {@code address}, live or released; null if none does. */
    Tensor tensorAt(long address) {
        return allocated.stream().filter(t -> address(t) == address).findFirst().orElse(null);
    }

    /** Every tensor allocated so far, released ones included, in order. */
    List<Tensor> allocated() {
        return allocated;
    }

    int liveCount() {
        return live.size();
    }
}
