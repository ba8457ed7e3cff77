package dev.striate.core.data;

/** Float pixels in channel planes ({@code data[(c * height + y) * width + x]}), 0..255 until normalized. */
record PlanarImage(int channels, int height, int width, float[] data) {
    PlanarImage {
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException(data.length + " values do not fill " + channels + "x" + height + "x"
                    + width);
        }
    }

    /**
     * The image with {@code channels} channels: gray is repeated into R, G and B; RGB becomes the ITU-R 601-2
     * luma 0.299 R + 0.587 G + 0.114 B (as PIL's convert("L")).
     */
    static PlanarImage of(DecodedImage image, int channels) {
        int pixels = image.height() * image.width();
        byte[] source = image.pixels();
        float[] data = new float[channels * pixels];
        if (image.channels() == channels) {
            for (int i = 0; i < pixels; i++) {
                for (int c = 0; c < channels; c++) {
                    data[c * pixels + i] = source[i * channels + c] & 0xFF;
                }
            }
        } else if (image.channels() == 1) {
            for (int i = 0; i < pixels; i++) {
                float value = source[i] & 0xFF;
                for (int c = 0; c < channels; c++) {
                    data[c * pixels + i] = value;
                }
            }
        } else {
            for (int i = 0; i < pixels; i++) {
                data[i] = 0.299f * (source[3 * i] & 0xFF) + 0.587f * (source[3 * i + 1] & 0xFF)
                        + 0.114f * (source[3 * i + 2] & 0xFF);
            }
        }
        return new PlanarImage(channels, image.height(), image.width(), data);
    }

    float at(int channel, int y, int x) {
        return data[(channel * height + y) * width + x];
    }

    /** Mirrors every row in place (horizontal flip). */
    void flipHorizontally() {
        for (int row = 0; row < channels * height; row++) {
            int start = row * width;
            for (int left = start, right = start + width - 1; left < right; left++, right--) {
                float swap = data[left];
                data[left] = data[right];
                data[right] = swap;
            }
        }
    }
}
