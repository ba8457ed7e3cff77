package dev.striate.core.data;

import java.util.List;

/**
 * One batch from a {@link Loader}: {@code size} images in NCHW order ({@code images.length == size * C * H * W})
 * and their labels ({@code labels.length == size}). {@code index} is the batch's position in the epoch.
 * {@code skipped} names the files of this batch that could not be decoded ("path: reason"); they are left out,
 * so {@code size} is smaller than the batch size by that many (never 0).
 *
 * <p>The arrays belong to the loader: they stay valid until the next call to {@code next()} on the same epoch
 * iterator (or a new {@code epoch()}), after which they are refilled. Copy what must live longer.
 */
public record Batch(float[] images, int[] labels, int size, int index, List<String> skipped) {
    public Batch {
        skipped = List.copyOf(skipped);
    }
}
