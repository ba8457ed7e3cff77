package dev.striate.cuda;

import dev.striate.core.backend.Precision;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;

/**
 * The CUDA backend's storage policy ({@link CudaBackend#storedType(Precision, DType, Op)}, package-private) for the
 * kernel tests in {@code dev.striate.cuda.kernel}, which allocate values and gradients as the backend's executors
 * would without a device to make a backend on.
 */
public final class StoredTypes {
    private StoredTypes() {
    }

    /** The type a value declared {@code declared} and made by {@code producer} (null: a graph input) is kept in. */
    public static DType of(Precision precision, DType declared, Op producer) {
        return CudaBackend.storedType(precision, declared, producer);
    }
}
