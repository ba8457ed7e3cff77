package dev.striate.core.tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An immutable list of dimension sizes; rank-4 shapes are read as NCHW. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public static Shape scalar() {
        return new Shape(new int[0]);
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** The most elements one tensor may hold: its values are indexed by an {@code int}. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    /** Number of elements; 1 for a scalar; Long.MAX_VALUE when the product does not fit a long. */
    public long size() {
        return product(0);
    }

    /** Elements per batch item: the product of all dimensions after the first (saturating like {@link #size}). */
    public long sizePerItem() {
        return product(1);
    }

    /** Whether the tensor has at most {@link #MAX_ELEMENTS} elements, so that it can be allocated and indexed. */
    public boolean fitsOneTensor() {
        return size() <= MAX_ELEMENTS;
    }

    /** The product of the dimensions from {@code axis} on; it saturates, so that a huge shape compares as huge. */
    private long product(int axis) {
        long n = 1;
        for (int i = axis; i < dims.length; i++) {
            long d = dims[i];
            if (d != 0 && Math.abs(n) > Long.MAX_VALUE / Math.abs(d)) {
                return Long.MAX_VALUE;
            }
            n *= d;
        }
        return n;
    }

    public int batch() {
        return dims[0];
    }

    public int channels() {
        return dims[1];
    }

    public int height() {
        return dims[2];
    }

    public int width() {
        return dims[3];
    }

    public Shape withDim(int axis, int size) {
        int[] copy = dims.clone();
        copy[axis] = size;
        return new Shape(copy);
    }

    public boolean allPositive() {
        return Arrays.stream(dims).allMatch(d -> d > 0);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
