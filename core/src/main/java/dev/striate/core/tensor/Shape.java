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

    /** Number of elements; 1 for a scalar. */
    public long size() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Elements per batch item: the product of all dimensions after the first. */
    public long sizePerItem() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
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
