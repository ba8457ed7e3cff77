package dev.striate.cli;

import dev.striate.core.data.Batch;
import dev.striate.models.ModelSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;

/**
 * A batch of made-up data for commands that time or check a training step without a dataset ({@code bench},
 * {@code memcheck}): images from N(0, 1) and labels uniform over the spec's classes, the same for a given seed. The
 * images are off the heap and page-aligned, as a {@link Batch} from the loader holds them, so that a GPU backend
 * takes the path of real training (page-locked copies).
 */
final class SyntheticBatch {
    private static final long PAGE = 4096;

    private SyntheticBatch() {
    }

    static Batch of(ModelSpec spec, int batchSize, long seed, Arena memory) {
        int[] input = spec.inputShape();
        Random random = new Random(seed);
        long values = (long) batchSize * input[0] * input[1] * input[2];
        MemorySegment images = memory.allocate(values * Float.BYTES, PAGE);
        for (long i = 0; i < values; i++) {
            images.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
        }
        int[] labels = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            labels[i] = random.nextInt(spec.classes());
        }
        return new Batch(images, labels, batchSize, 0, List.of());
    }
}
