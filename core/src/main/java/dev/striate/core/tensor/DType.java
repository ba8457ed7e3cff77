package dev.striate.core.tensor;

/** Element types: F32, BF16 and F16 for compute, F64 in the reference backend, I32 and I64 for labels and counters. */
public enum DType {
    F32(4), BF16(2), F16(2), F64(8), I32(4), I64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloatingPoint() {
        return this != I32 && this != I64;
    }

    /** The name the safetensors format uses for this type. */
    public String safetensorsName() {
        return name();
    }
}
