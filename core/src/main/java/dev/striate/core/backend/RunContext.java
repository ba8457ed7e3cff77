package dev.striate.core.backend;

/**
 * What a forward or backward pass needs besides tensors: training or evaluation mode, and the seed and step
 * from which dropout masks are derived.
 */
public record RunContext(boolean training, long seed, long step) {
    public static RunContext training(long seed, long step) {
        return new RunContext(true, seed, step);
    }

    public static RunContext evaluation() {
        return new RunContext(false, 0, 0);
    }
}
