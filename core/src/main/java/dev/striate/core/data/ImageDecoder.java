package dev.striate.core.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Decodes JPEG, PNG, GIF (first frame), BMP and TIFF files to 8-bit grayscale or sRGB pixels. The format is
 * recognised from the first bytes, never from the file name (ImageNet holds a PNG named .JPEG). JPEGs go to
 * libjpeg-turbo when it is installed ({@link JpegTurbo}), everything else to ImageIO ({@link ImageIoDecoder}).
 * Sizes are checked before reading: the file's against {@link #MAX_FILE_BYTES}, the header's against
 * {@link #MAX_PIXELS}, and the memory to decode against what all threads may hold at once ({@link DecodeBudget}).
 */
public final class ImageDecoder {
    /** Larger images are refused rather than risk running out of memory: PIL's decompression-bomb limit. */
    static final long MAX_PIXELS = 178_956_970L;
    /** Larger files are refused before reading: no photograph comes near (a 50-megapixel PNG is about 150 MiB). */
    static final long MAX_FILE_BYTES = 1L << 30;

    private ImageDecoder() {
    }

    public static DecodedImage decode(Path file) throws UnreadableImageException {
        return EncodedImage.open(file).decodeWhole(DecodeBudget.shared());
    }

    public static DecodedImage decode(byte[] bytes) throws UnreadableImageException {
        return EncodedImage.of(bytes).decodeWhole(DecodeBudget.shared());
    }

    /** One line saying which JPEG decoder this run uses (libjpeg-turbo, or ImageIO and why): say it once per run. */
    public static String jpegDecoderNotice() {
        return JpegTurbo.availability().notice();
    }

    /**
     * Where the one notice of a run goes when a JPEG is decoded by ImageIO because libjpeg-turbo is absent: it is
     * said at the first such JPEG, once until the next call.
     */
    public static void reportFallbackTo(Consumer<String> notices) {
        JpegTurbo.reportFallbackTo(notices);
    }

    /** Whether JPEGs are decoded by libjpeg-turbo in this run. */
    public static boolean usesLibjpegTurbo() {
        return JpegTurbo.find() != null;
    }
    /**
     * libjpeg decodes a truncated or garbled file to gray or noise and only warns ("Premature end of JPEG
     * file", "Corrupt JPEG data: bad Huffman code"): that picture is not the data, so it counts as unreadable.
     * "Extraneous bytes before marker" is the exception: the image itself is whole (ImageNet has such files).
     */
    static boolean isDamage(String warning) {
        String text = warning.toLowerCase(Locale.ROOT);
        return text.contains("premature end") || (text.contains("corrupt jpeg data")
                && !text.contains("extraneous bytes"));
    }

    /** The format named by the file's first bytes, or an exception saying what the content is instead. */
    static String sniffFormat(byte[] bytes) throws UnreadableImageException {
        if (bytes.length == 0) {
            throw new UnreadableImageException("empty file (0 bytes)");
        }
        if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
            return "JPEG";
        }
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "PNG";
        }
        if (startsWith(bytes, 'G', 'I', 'F', '8')) {
            return "GIF";
        }
        if (startsWith(bytes, 'B', 'M')) {
            return "BMP";
        }
        if (startsWith(bytes, 'I', 'I', 42, 0) || startsWith(bytes, 'M', 'M', 0, 42)) {
            return "TIFF";
        }
        if (startsWith(bytes, 'R', 'I', 'F', 'F') && bytes.length >= 12 && bytes[8] == 'W' && bytes[9] == 'E'
                && bytes[10] == 'B' && bytes[11] == 'P') {
            throw new UnreadableImageException("WebP images are not supported (convert to JPEG or PNG)");
        }
        throw new UnreadableImageException("not an image: the content is not JPEG, PNG, GIF, BMP or TIFF");
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
