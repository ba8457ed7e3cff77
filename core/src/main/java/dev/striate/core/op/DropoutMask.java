package dev.striate.core.op;

/**
 * The dropout mask as a counter-based hash (SplitMix64 finalizer over seed, node, step and index), so a mask is
 * reproducible on any backend and needs no stored state. This is the definition every dropout kernel implements.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /** A uniform value in [0, 1) for one element. */
    public static double uniform(long seed, long node, long step, long index) {
        long z = mix(seed ^ mix(node ^ mix(step ^ mix(index))));
        return (z >>> 11) * 0x1.0p-53;
    }

    public static boolean keep(double p, long seed, long node, long step, long index) {
        return uniform(seed, node, step, index) >= p;
    }

    private static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
