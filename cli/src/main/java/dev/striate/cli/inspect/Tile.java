package dev.striate.cli.inspect;

/**
 * One picture in a grid: {@code height × width} pixels with red, green and blue in [0, 1], row-major (a gray tile
 * has the same array three times).
 */
record Tile(int height, int width, double[] red, double[] green, double[] blue) {
    /**
     * A gray tile of {@code values[offset..offset+height·width)}, stretched so that its smallest value is black and its
     * largest white (all mid-gray when they are equal), as pictures of learned filters are normalised for display.
     */
    static Tile gray(double[] values, int offset, int height, int width) {
        return gray(values, offset, height, width, offset, height * width);
    }

    /** A gray tile stretched by the range of a larger span (all input channels of one filter). */
    static Tile gray(double[] values, int offset, int height, int width, int spanFrom, int spanLength) {
        double[] plane = stretched(values, offset, height * width, spanFrom, spanLength);
        return new Tile(height, width, plane, plane, plane);
    }

    /**
     * An RGB tile of three consecutive planes starting at {@code offset}, stretched together (one minimum and maximum
     * over all three channels), so that the filter's colours keep their balance.
     */
    static Tile rgb(double[] values, int offset, int height, int width) {
        int plane = height * width;
        return new Tile(height, width, stretched(values, offset, plane, offset, 3 * plane),
                stretched(values, offset + plane, plane, offset, 3 * plane),
                stretched(values, offset + 2 * plane, plane, offset, 3 * plane));
    }

    /** {@code length} values from {@code from}, mapped linearly so that the range over the span is [0, 1]. */
    private static double[] stretched(double[] values, int from, int length, int spanFrom, int spanLength) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = spanFrom; i < spanFrom + spanLength; i++) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
        }
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = max > min ? (values[from + i] - min) / (max - min) : 0.5;
        }
        return out;
    }

    /** Magnitudes (saliency) divided by their largest and coloured by a heat ramp: black is 0, white the largest. */
    static Tile heat(double[] values, int height, int width) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double[] red = new double[values.length];
        double[] green = new double[values.length];
        double[] blue = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double t = max > 0 ? values[i] / max : 0;
            // black -> red -> yellow -> white, a ramp that reads as brighter = more salient in colour and in gray
            red[i] = Math.min(1, 3 * t);
            green[i] = Math.clamp(3 * t - 1, 0, 1);
            blue[i] = Math.clamp(3 * t - 2, 0, 1);
        }
        return new Tile(height, width, red, green, blue);
    }
}
