package dev.striate.core.data;

/**
 * Crop and resize with PIL's antialiased bilinear filter (the one torchvision's Resize uses on PIL images): a
 * triangle filter widened by the scale factor when shrinking, so downscaled images do not alias.
 */
final class Resampler {
    private Resampler() {
    }

    /**
     * The window of {@code height x width} pixels at ({@code top}, {@code left}) of {@code source}, resized to
     * {@code outHeight x outWidth}. Parts of the window outside the image read as 0 (torchvision pads a center
     * crop larger than the image with zeros).
     */
    static PlanarImage resize(PlanarImage source, int top, int left, int height, int width, int outHeight,
            int outWidth) {
        if (height == outHeight && width == outWidth) {
            return window(source, top, left, height, width);
        }
        Filter horizontal = new Filter(width, outWidth);
        Filter vertical = new Filter(height, outHeight);
        int channels = source.channels();
        float[] rows = new float[channels * height * outWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int sourceY = top + y;
                if (sourceY < 0 || sourceY >= source.height()) {
                    continue;
                }
                for (int x = 0; x < outWidth; x++) {
                    float sum = 0;
                    for (int tap = 0; tap < horizontal.count[x]; tap++) {
                        int sourceX = left + horizontal.start[x] + tap;
                        if (sourceX >= 0 && sourceX < source.width()) {
                            sum += horizontal.weights[x][tap] * source.at(c, sourceY, sourceX);
                        }
                    }
                    rows[(c * height + y) * outWidth + x] = sum;
                }
            }
        }
        float[] out = new float[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outHeight; y++) {
                for (int x = 0; x < outWidth; x++) {
                    float sum = 0;
                    for (int tap = 0; tap < vertical.count[y]; tap++) {
                        sum += vertical.weights[y][tap] * rows[(c * height + vertical.start[y] + tap) * outWidth + x];
                    }
                    out[(c * outHeight + y) * outWidth + x] = sum;
                }
            }
        }
        return new PlanarImage(channels, outHeight, outWidth, out);
    }

    /** The window copied without resampling; outside the image reads as 0. */
    static PlanarImage window(PlanarImage source, int top, int left, int height, int width) {
        int channels = source.channels();
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int sourceY = top + y;
                if (sourceY < 0 || sourceY >= source.height()) {
                    continue;
                }
                for (int x = 0; x < width; x++) {
                    int sourceX = left + x;
                    if (sourceX >= 0 && sourceX < source.width()) {
                        out[(c * height + y) * width + x] = source.at(c, sourceY, sourceX);
                    }
                }
            }
        }
        return new PlanarImage(channels, height, width, out);
    }

    /** Per output position: the first input tap, the number of taps, and their normalized weights (PIL's). */
    private static final class Filter {
        final int[] start;
        final int[] count;
        final float[][] weights;

        Filter(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale;
            start = new int[outSize];
            count = new int[outSize];
            weights = new float[outSize][];
            for (int out = 0; out < outSize; out++) {
                double center = (out + 0.5) * scale;
                int first = Math.max((int) (center - support + 0.5), 0);
                int end = Math.min((int) (center + support + 0.5), inSize);
                double[] raw = new double[end - first];
                double total = 0;
                for (int tap = 0; tap < raw.length; tap++) {
                    double distance = Math.abs((first + tap - center + 0.5) / filterScale);
                    raw[tap] = distance < 1 ? 1 - distance : 0;
                    total += raw[tap];
                }
                start[out] = first;
                count[out] = raw.length;
                weights[out] = new float[raw.length];
                for (int tap = 0; tap < raw.length; tap++) {
                    weights[out][tap] = (float) (total == 0 ? 0 : raw[tap] / total);
                }
            }
        }
    }
}
