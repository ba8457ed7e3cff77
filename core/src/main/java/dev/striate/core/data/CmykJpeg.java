package dev.striate.core.data;

/**
 * CMYK and YCCK JPEGs as Pillow reads them: libjpeg-turbo gives the four CMYK samples; a file with an Adobe APP14
 * marker (Photoshop, and every YCCK file) stores them inverted; and, without a color profile, RGB is
 * {@code (255 - C) * (255 - K) / 255} per channel (Pillow's convert("RGB"); a print profile would shift the
 * colors somewhat, which no decoder agrees on).
 */
final class CmykJpeg {
    private CmykJpeg() {
    }

    /** Interleaved CMYK samples to interleaved RGB; {@code inverted}: the samples are stored as 255 - value. */
    static byte[] toRgb(byte[] cmyk, boolean inverted) {
        int pixels = cmyk.length / 4;
        byte[] rgb = new byte[pixels * 3];
        for (int i = 0; i < pixels; i++) {
            int k = sample(cmyk[4 * i + 3], inverted);
            for (int c = 0; c < 3; c++) {
                int ink = sample(cmyk[4 * i + c], inverted);
                rgb[3 * i + c] = (byte) Math.round((255 - ink) * (255 - k) / 255f);
            }
        }
        return rgb;
    }

    private static int sample(byte stored, boolean inverted) {
        int value = stored & 0xFF;
        return inverted ? 255 - value : value;
    }

    /** Whether the JPEG has an Adobe APP14 segment before its frame header (its CMYK samples are inverted). */
    static boolean hasAdobeMarker(byte[] jpeg) {
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            int length = ((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF);
            if (marker == 0xEE && at + 9 <= jpeg.length && new String(jpeg, at + 4, 5,
                    java.nio.charset.StandardCharsets.US_ASCII).equals("Adobe")) {
                return true;
            }
            if (marker == 0xDA || (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC)) {
                return false;
            }
            at += 2 + length;
        }
        return false;
    }
}
