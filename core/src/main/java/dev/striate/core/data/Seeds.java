package dev.striate.core.data;

/**
 * Derives independent seeds from a run's seed and coordinates (epoch, sample index, purpose) by hashing, so
 * each random choice is a pure function of its coordinates: any thread may make it, in any order.
 */
final class Seeds {
    /** Purposes, mixed in so that e.g. the shuffle of epoch 3 and the augmentation of sample 3 differ. */
    static final long SHUFFLE = 0x53485546464c45L;
    static final long AUGMENT = 0x4155474d454e54L;
    static final long SPLIT = 0x53504c4954L;

    private Seeds() {
    }

    static long mix(long seed, long purpose, long... coordinates) {
        long hash = splitMix(seed ^ splitMix(purpose));
        for (long coordinate : coordinates) {
            hash = splitMix(hash ^ splitMix(coordinate + 0x632BE59BD9B4E019L));
        }
        return hash;
    }

    /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
    private static long splitMix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
