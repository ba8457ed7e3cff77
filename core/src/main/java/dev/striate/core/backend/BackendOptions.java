package dev.striate.core.backend;

/**
 * Settings a backend is opened with: its precision, and which device of its kind ({@code --device cuda:1} is index 1;
 * backends with one device ignore it).
 */
public record BackendOptions(Precision precision, int deviceIndex) {
    public BackendOptions {
        if (deviceIndex < 0) {
            throw new IllegalArgumentException("device index " + deviceIndex + " is negative");
        }
    }

    public BackendOptions(Precision precision) {
        this(precision, 0);
    }

    public static BackendOptions defaults() {
        return new BackendOptions(Precision.FP32);
    }
}
