package dev.striate.core.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * One batch from a {@link Loader}: {@code size} images in NCHW order as 32-bit floats in native byte order
 * ({@code images.byteSize() == size * C * H * W * 4}) and their labels ({@code labels.length == size}).
 * {@code index} is the batch's position in the epoch. {@code skipped} names the files of this batch that could not
 * be decoded ("path: reason"); they are left out, so {@code size} is smaller than the batch size by that many
 * (never 0).
 *
 * <p>The images are off the Java heap, page-aligned, in memory the loader reuses from batch to batch: a GPU
 * backend can pin it once and copy from it without another pass. Both arrays belong to the loader: they stay
 * valid until the next call to {@code next()} on the same epoch iterator (or a new {@code epoch()}, or the
 * loader's close), after which they are refilled. Copy what must live longer.
 */
public record Batch(MemorySegment images, int[] labels, int size, int index, List<String> skipped) {
    public Batch {
        skipped = List.copyOf(skipped);
    }

    /** The images copied into a Java array. */
    public float[] imagesArray() {
        return images.toArray(ValueLayout.JAVA_FLOAT);
    }
}
