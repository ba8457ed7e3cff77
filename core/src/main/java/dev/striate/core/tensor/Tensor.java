package dev.striate.core.tensor;

/** A shape, an element type, and the backend buffer that holds the elements. */
public record Tensor(Shape shape, DType dtype, DeviceBuffer buffer) {
    public long size() {
        return shape.size();
    }
}
