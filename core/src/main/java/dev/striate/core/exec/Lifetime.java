package dev.striate.core.exec;

/**
 * When one tensor of a step exists: a node's output ({@code gradient} false) or the gradient of a node's output or of
 * a graph input, holding {@code values} elements. It is allocated just before step {@code birth} runs and released
 * just after step {@code death} ran; {@link #END} means it outlives the step (a value the caller reads afterwards).
 * Steps count forward nodes in graph order, then backward nodes in reverse order ({@link MemoryPlan}).
 */
public record Lifetime(String name, boolean gradient, long values, int birth, int death) {
    public static final int END = Integer.MAX_VALUE;

    /** Whether the tensor exists while step {@code step} runs. */
    public boolean aliveDuring(int step) {
        return birth <= step && step <= death;
    }

    /** Whether the tensor exists once step {@code step} has run. */
    public boolean aliveAfter(int step) {
        return birth <= step && step < death;
    }
}
