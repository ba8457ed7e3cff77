package dev.striate.core.data;

import java.util.Arrays;

/**
 * Separable resampling with PIL's antialiased bilinear filter (the one torchvision's Resize uses on PIL images): a
 * triangle filter widened by the scale factor when shrinking, so downscaled images do not alias. The weights are
 * computed once per call for every output column and row ({@link ResampleFilter}); the first pass reads only the
 * source rows and columns the window needs. Pixels stay interleaved ({@code (y * width + x) * channels + c}) from
 * the decoder to the last pass: no per-pixel object, no full-size float copy of the source.
 */
final class Resampler {
    /**
     * Each thread's intermediate and result arrays, reused from image to image: allocating and zeroing them anew
     * would cost a fifth of the resize. A result stays valid until the same thread's next resize.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        private float[] vertical = new float[0];
        private float[] result = new float[0];

        float[] vertical(int length) {
            if (vertical.length < length) {
                vertical = new float[length];
            }
            return vertical;
        }

        float[] result(int length) {
            if (result.length < length) {
                result = new float[length];
            }
            return result;
        }
    }

    private Resampler() {
    }

    /**
     * Resizes the window {@code windowTop, windowLeft, windowHeight x windowWidth} of an 8-bit interleaved source
     * (fractional coordinates allowed) to {@code resizedHeight x resizedWidth}, and returns the rows and columns
     * {@code region} of that result as interleaved floats (0..255) at the start of an array that may be longer and
     * that the thread's next call reuses. Parts of the window or region outside the image read as 0, as torchvision
     * pads a center crop larger than the image.
     */
    static float[] resize(DecodedImage source, double windowTop, double windowLeft, double windowHeight,
            double windowWidth, int resizedHeight, int resizedWidth, CropWindow region) {
        ResampleFilter columns = new ResampleFilter(windowLeft, windowWidth, source.width(), resizedWidth,
                region.left(), region.width());
        ResampleFilter rows = new ResampleFilter(windowTop, windowHeight, source.height(), resizedHeight,
                region.top(), region.height());
        int channels = source.channels();
        int span = columns.sourceSpan() * channels;
        int spanStart = columns.firstSourceIndex() * channels;
        int rowLength = source.width() * channels;
        byte[] pixels = source.pixels();
        // Vertically first, over whole rows of the columns the window needs: the inner loop is a vectorizable
        // a*x+y, and the horizontal pass that cannot vectorize then runs over output rows only.
        Scratch scratch = SCRATCH.get();
        float[] vertical = scratch.vertical(region.height() * span);
        for (int y = 0; y < region.height(); y++) {
            int taps = rows.count(y);
            int weightAt = rows.weightOffset(y);
            int target = y * span;
            if (taps == 0) {
                Arrays.fill(vertical, target, target + span, 0);
            }
            for (int tap = 0; tap < taps; tap++) {
                float weight = rows.weight(weightAt + tap);
                int from = (rows.first(y) + tap) * rowLength + spanStart;
                if (tap == 0) {
                    for (int i = 0; i < span; i++) {
                        vertical[target + i] = weight * (pixels[from + i] & 0xFF);
                    }
                } else {
                    for (int i = 0; i < span; i++) {
                        vertical[target + i] += weight * (pixels[from + i] & 0xFF);
                    }
                }
            }
        }
        float[] out = scratch.result(region.height() * region.width() * channels);
        for (int y = 0; y < region.height(); y++) {
            int rowStart = y * span - spanStart;
            int target = y * region.width() * channels;
            if (channels == 3) {
                horizontalRgb(vertical, rowStart, columns, region.width(), out, target);
            } else {
                horizontalGray(vertical, rowStart, columns, region.width(), out, target);
            }
        }
        return out;
    }

    /** One row of RGB: the three channels share each tap's weight and position. */
    private static void horizontalRgb(float[] pixels, int rowStart, ResampleFilter columns, int outWidth,
            float[] out, int target) {
        for (int x = 0; x < outWidth; x++, target += 3) {
            int taps = columns.count(x);
            int weightAt = columns.weightOffset(x);
            int from = rowStart + columns.first(x) * 3;
            float red = 0;
            float green = 0;
            float blue = 0;
            for (int tap = 0; tap < taps; tap++, from += 3) {
                float weight = columns.weight(weightAt + tap);
                red += weight * pixels[from];
                green += weight * pixels[from + 1];
                blue += weight * pixels[from + 2];
            }
            out[target] = red;
            out[target + 1] = green;
            out[target + 2] = blue;
        }
    }

    private static void horizontalGray(float[] pixels, int rowStart, ResampleFilter columns, int outWidth,
            float[] out, int target) {
        for (int x = 0; x < outWidth; x++) {
            int taps = columns.count(x);
            int weightAt = columns.weightOffset(x);
            int from = rowStart + columns.first(x);
            float sum = 0;
            for (int tap = 0; tap < taps; tap++) {
                sum += columns.weight(weightAt + tap) * pixels[from + tap];
            }
            out[target + x] = sum;
        }
    }

    /** As {@link #resize} for a float source of {@code height x width x channels} (a second resize, rare). */
    static float[] resize(float[] source, int height, int width, int channels, int outHeight, int outWidth) {
        CropWindow whole = new CropWindow(0, 0, outHeight, outWidth);
        ResampleFilter columns = new ResampleFilter(0, width, width, outWidth, 0, outWidth);
        ResampleFilter rows = new ResampleFilter(0, height, height, outHeight, 0, outHeight);
        float[] horizontal = new float[rows.sourceSpan() * outWidth * channels];
        for (int row = 0; row < rows.sourceSpan(); row++) {
            int sourceRow = rows.firstSourceIndex() + row;
            for (int x = 0; x < outWidth; x++) {
                int at = (sourceRow * width + columns.first(x)) * channels;
                for (int c = 0; c < channels; c++) {
                    float sum = 0;
                    for (int tap = 0; tap < columns.count(x); tap++) {
                        sum += columns.weight(columns.weightOffset(x) + tap) * source[at + tap * channels + c];
                    }
                    horizontal[(row * outWidth + x) * channels + c] = sum;
                }
            }
        }
        return vertical(horizontal, rows, whole.width(), whole.height(), channels);
    }

    /** The vertical pass over rows already resampled horizontally (row 0 = the filter's first source row). */
    private static float[] vertical(float[] horizontal, ResampleFilter rows, int width, int height, int channels) {
        int rowLength = width * channels;
        float[] out = new float[height * rowLength];
        for (int y = 0; y < height; y++) {
            int taps = rows.count(y);
            int weightAt = rows.weightOffset(y);
            int firstRow = (rows.first(y) - rows.firstSourceIndex()) * rowLength;
            int target = y * rowLength;
            // Tap by tap over whole rows: the inner loop is a vectorizable a*x+y, and each output value still adds
            // its taps in order, so the sums are those of a loop over taps per value.
            for (int tap = 0; tap < taps; tap++) {
                float weight = rows.weight(weightAt + tap);
                int from = firstRow + tap * rowLength;
                for (int i = 0; i < rowLength; i++) {
                    out[target + i] += weight * horizontal[from + i];
                }
            }
        }
        return out;
    }
}
