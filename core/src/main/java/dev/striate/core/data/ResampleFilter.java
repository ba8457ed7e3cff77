package dev.striate.core.data;

/**
 * The weights of PIL's antialiased bilinear filter along one axis, for each output position of a region: which
 * source pixels it reads and how much each counts. The window {@code [windowStart, windowStart + windowSize)}
 * of the source (fractional, as a crop mapped onto a DCT-scaled decode is) is resized to {@code outSize}; taps
 * are limited to the window (torchvision crops, then resizes) and normalized over it, and taps outside the
 * source image read as 0 and are dropped. Output positions outside {@code [0, outSize)} have no taps (0).
 */
final class ResampleFilter {
    private final int[] first;
    private final int[] count;
    private final int[] weightOffset;
    private final float[] weights;
    private final int firstSourceIndex;
    private final int sourceSpan;

    ResampleFilter(double windowStart, double windowSize, int sourceSize, int outSize, int regionStart,
            int regionSize) {
        double scale = windowSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale;
        long windowLow = Math.round(windowStart);
        long windowHigh = Math.round(windowStart + windowSize);
        first = new int[regionSize];
        count = new int[regionSize];
        weightOffset = new int[regionSize];
        float[] all = new float[regionSize * ((int) Math.ceil(2 * support) + 2)];
        int used = 0;
        int lowest = Integer.MAX_VALUE;
        int highest = 0;
        for (int i = 0; i < regionSize; i++) {
            int out = regionStart + i;
            weightOffset[i] = used;
            if (out < 0 || out >= outSize) {
                continue;
            }
            double center = (out + 0.5) * scale;
            long low = Math.max(floorOfSum(windowStart, center - support + 0.5), windowLow);
            long high = Math.min(floorOfSum(windowStart, center + support + 0.5), windowHigh);
            double total = 0;
            for (long tap = low; tap < high; tap++) {
                total += triangle((tap - windowStart - center + 0.5) / filterScale);
            }
            // Taps outside the image are zeros: they count in the total above but need not be read.
            long readLow = Math.max(low, 0);
            long readHigh = Math.min(high, sourceSize);
            if (readLow >= readHigh || total == 0) {
                continue;
            }
            first[i] = (int) readLow;
            count[i] = (int) (readHigh - readLow);
            for (long tap = readLow; tap < readHigh; tap++) {
                all[used++] = (float) (triangle((tap - windowStart - center + 0.5) / filterScale) / total);
            }
            lowest = Math.min(lowest, first[i]);
            highest = Math.max(highest, first[i] + count[i]);
        }
        weights = all;
        firstSourceIndex = lowest == Integer.MAX_VALUE ? 0 : lowest;
        sourceSpan = Math.max(highest - firstSourceIndex, 0);
    }

    /** floor(start + offset), exact when start is whole (a crop at scale 1 gets exactly PIL's taps). */
    private static long floorOfSum(double start, double offset) {
        return start == Math.rint(start) ? (long) start + (long) Math.floor(offset) : (long) Math.floor(start + offset);
    }

    private static double triangle(double distance) {
        double x = Math.abs(distance);
        return x < 1 ? 1 - x : 0;
    }

    /** The first source pixel that output position {@code i} of the region reads. */
    int first(int i) {
        return first[i];
    }

    /** How many source pixels output position {@code i} reads (0: it is 0). */
    int count(int i) {
        return count[i];
    }

    /** Where the weights of output position {@code i} start in {@link #weight}. */
    int weightOffset(int i) {
        return weightOffset[i];
    }

    float weight(int at) {
        return weights[at];
    }

    /** The lowest source index any output position reads. */
    int firstSourceIndex() {
        return firstSourceIndex;
    }

    /** How many source indices, from {@link #firstSourceIndex}, the region reads. */
    int sourceSpan() {
        return sourceSpan;
    }
}
