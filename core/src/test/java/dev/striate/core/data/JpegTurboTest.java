package dev.striate.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * libjpeg-turbo against ImageIO on the same files. Two JPEG decoders may differ by rounding in the inverse DCT,
 * the color conversion and the chroma upsampling. Measured with Debian's libturbojpeg 2.1.5 against the JDK's
 * libjpeg 6b, on these images (baseline, progressive, gray) and on the 1,000 photographs of
 * {@code tools/make-bench-photos.py}, they agree exactly: both use libjpeg's accurate integer inverse DCT and its
 * "fancy" upsampling by default. The bounds leave one level of rounding for other builds' SIMD code (libjpeg-turbo
 * 3), and nothing more. Skipped, with the reason, where the library is absent.
 */
class JpegTurboTest {
    static final int MAX_DIFFERENCE = 1;
    static final double MEAN_DIFFERENCE = 0.05;

    private JpegTurbo turbo;

    @BeforeEach
    void needsTheLibrary() {
        turbo = JpegTurbo.find();
        assumeTrue(turbo != null, "libjpeg-turbo is not installed (apt-get install libturbojpeg0): "
                + JpegTurbo.availability().notice());
    }

    private static void assertAgree(DecodedImage expected, DecodedImage actual, String what) {
        assertEquals(expected.width(), actual.width(), what);
        assertEquals(expected.height(), actual.height(), what);
        assertEquals(expected.channels(), actual.channels(), what);
        int max = 0;
        long sum = 0;
        for (int i = 0; i < expected.pixels().length; i++) {
            int difference = Math.abs((expected.pixels()[i] & 0xFF) - (actual.pixels()[i] & 0xFF));
            max = Math.max(max, difference);
            sum += difference;
        }
        double mean = (double) sum / expected.pixels().length;
        assertTrue(max <= MAX_DIFFERENCE && mean <= MEAN_DIFFERENCE, what + ": samples differ by up to " + max
                + ", " + mean + " on average");
    }

    @Test
    void baselineProgressiveAndGrayAgreeWithImageIo() throws IOException, UnreadableImageException {
        BufferedImage color = TestImages.photoLike(320, 240, BufferedImage.TYPE_INT_RGB, 1);
        BufferedImage gray = TestImages.photoLike(200, 150, BufferedImage.TYPE_BYTE_GRAY, 2);
        for (boolean progressive : new boolean[] {false, true}) {
            byte[] colorJpeg = TestImages.jpeg(color, progressive);
            assertAgree(ImageIoDecoder.decode(colorJpeg, "JPEG"), turbo.decode(colorJpeg, 8),
                    "color, progressive " + progressive);
            byte[] grayJpeg = TestImages.jpeg(gray, progressive);
            DecodedImage grayPixels = turbo.decode(grayJpeg, 8);
            assertEquals(1, grayPixels.channels());
            assertAgree(ImageIoDecoder.decode(grayJpeg, "JPEG"), grayPixels, "gray, progressive " + progressive);
        }
    }

    /**
     * The quadrants of ImageDecoderTest's CMYK (Adobe, inverted) and YCCK files decode to the right colors through
     * libjpeg-turbo as through ImageIO; the two agree within the tolerance that profile differences leave.
     */
    @Test
    void cmykAndYcckDecodeToTheirColorsThroughBoth() throws IOException, UnreadableImageException {
        int[][] quadrants = {{3, 3, 255, 0, 0}, {12, 3, 0, 255, 0}, {3, 12, 0, 0, 255}, {12, 12, 255, 255, 255}};
        for (String name : new String[] {"cmyk-quadrants.jpg", "ycck-quadrants.jpg"}) {
            byte[] bytes = resource(name);
            for (DecodedImage image : new DecodedImage[] {turbo.decode(bytes, 8), ImageIoDecoder.decode(bytes, "JPEG")}) {
                assertEquals(3, image.channels(), name);
                for (int[] q : quadrants) {
                    for (int c = 0; c < 3; c++) {
                        int actual = image.sample(q[1], q[0], c);
                        assertTrue(Math.abs(actual - q[2 + c]) <= 40, name + " at (" + q[0] + ", " + q[1]
                                + ") channel " + c + ": " + actual + ", expected " + q[2 + c]);
                    }
                }
            }
        }
    }

    /** Decoding at 4/8 gives half the size (rounded up), close to the full decode averaged over 2x2 blocks. */
    @Test
    void scaledDecodeIsTheImageAtThatScale() throws IOException, UnreadableImageException {
        byte[] bytes = TestImages.jpeg(TestImages.photoLike(321, 240, BufferedImage.TYPE_INT_RGB, 3), false);
        DecodedImage full = turbo.decode(bytes, 8);
        DecodedImage half = turbo.decode(bytes, 4);
        assertEquals(161, half.width());
        assertEquals(120, half.height());
        assertEquals(41, turbo.decode(bytes, 1).width());
        long sum = 0;
        int count = 0;
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) {
                for (int c = 0; c < 3; c++) {
                    int average = (full.sample(2 * y, 2 * x, c) + full.sample(2 * y, 2 * x + 1, c)
                            + full.sample(2 * y + 1, 2 * x, c) + full.sample(2 * y + 1, 2 * x + 1, c) + 2) / 4;
                    sum += Math.abs(average - half.sample(y, x, c));
                    count++;
                }
            }
        }
        assertTrue(sum / (double) count < 3, "mean difference " + sum / (double) count);
    }

    @Test
    void damagedJpegsAreUnreadableAndExtraneousBytesAreNot() throws IOException, UnreadableImageException {
        byte[] bytes = TestImages.jpeg(TestImages.photoLike(128, 128, BufferedImage.TYPE_INT_RGB, 4), false);
        UnreadableImageException cut = assertThrows(UnreadableImageException.class,
                () -> turbo.decode(Arrays.copyOf(bytes, bytes.length * 6 / 10), 8));
        assertTrue(cut.getMessage().startsWith("damaged JPEG: "), cut.getMessage());
        // Two stray bytes just before the end-of-image marker: libjpeg warns, but the picture is whole.
        byte[] extraneous = Arrays.copyOf(bytes, bytes.length + 2);
        extraneous[bytes.length - 2] = 0x12;
        extraneous[bytes.length - 1] = 0x34;
        extraneous[bytes.length] = (byte) 0xFF;
        extraneous[bytes.length + 1] = (byte) 0xD9;
        assertAgree(turbo.decode(bytes, 8), turbo.decode(extraneous, 8), "with extraneous bytes");
    }

    @Test
    void aMissingLibraryIsNamedWithTheFix() {
        JpegTurbo.Availability missing = JpegTurbo.load("/nonexistent/libturbojpeg.so.0");
        assertNull(missing.library());
        assertEquals("JPEG decoder: ImageIO, 2-4x slower: libjpeg-turbo's /nonexistent/libturbojpeg.so.0 was not "
                + "found (apt-get install libturbojpeg0)", missing.notice());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = JpegTurboTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, "test resource " + name);
            return in.readAllBytes();
        }
    }
}
