package dev.striate.core.backend;

/** The ServiceLoader entry of a backend: says whether it can run here, and opens it. */
public interface BackendProvider {
    String name();

    /** Higher is preferred by {@code --device auto}. */
    int priority();

    /** Null when usable; otherwise one line saying why not and how to fix it. */
    String unavailableReason();

    Backend open(BackendOptions options);
}
