package dev.striate.core.backend;

/** Settings a backend is opened with. {@code precision}: fp32, tf32 or bf16 (the reference computes in fp64). */
public record BackendOptions(String precision) {
    public static BackendOptions defaults() {
        return new BackendOptions("fp32");
    }
}
