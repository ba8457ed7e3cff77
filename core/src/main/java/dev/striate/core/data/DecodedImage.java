package dev.striate.core.data;

/**
 * Decoded 8-bit pixels, interleaved row by row ({@code pixels[(y * width + x) * channels + c]}), unsigned.
 * {@code channels} is 1 (grayscale) or 3 (sRGB, alpha already dropped); the transform pipeline converts to
 * the channel count a model wants.
 */
public record DecodedImage(int height, int width, int channels, byte[] pixels) {
    public DecodedImage {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1 || pixels.length != (long) height * width * channels) {
            throw new IllegalArgumentException("pixels hold " + pixels.length + " bytes, not " + height + "x"
                    + width + "x" + channels);
        }
    }

    /** Sample {@code c} of pixel (y, x) as 0..255. */
    public int sample(int y, int x, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }
}
