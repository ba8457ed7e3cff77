package dev.striate.core.io;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's values on the host, as read from or written to a weights file. Every dtype is held as double, which
 * holds F32, F16, BF16, F64 and I32 values exactly (and I64 values up to 2^53); {@code dtype} is the type the values
 * came from or are to be stored as. The array is not copied: whoever hands it over must not change it afterwards.
 */
public record HostTensor(DType dtype, Shape shape, double[] values) {
    public HostTensor {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(values, "values");
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("a tensor of shape " + shape + " holds " + shape.size()
                    + " values, got " + values.length);
        }
    }

    /** Same dtype, shape and bit-identical values (NaN equals NaN, 0.0 differs from -0.0). */
    @Override
    public boolean equals(Object other) {
        return other instanceof HostTensor t && dtype == t.dtype && shape.equals(t.shape)
                && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, shape, Arrays.hashCode(values));
    }

    /** The dtype and shape only: a state dict's values run to millions. */
    @Override
    public String toString() {
        return "HostTensor[" + dtype + " " + shape + "]";
    }
}
