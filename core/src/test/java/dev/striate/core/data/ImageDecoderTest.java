package dev.striate.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    @TempDir
    Path dir;

    @Test
    void pngNamedJpegIsDecodedByContent() throws Exception {
        Path file = dir.resolve("n02105855_2933.JPEG");
        Files.write(file, TestImages.encode(TestImages.gradient(5, 4, 100, 50, 7), "png"));
        DecodedImage image = ImageDecoder.decode(file);
        assertEquals(3, image.channels());
        assertEquals(4, image.height());
        assertEquals(5, image.width());
        assertPixel(image, 3, 2, 103, 52, 7, 0);
    }

    @Test
    void textNamedJpgIsNotAnImage() throws IOException {
        Path file = Files.writeString(dir.resolve("photo.jpg"), "this is not a picture\n");
        assertUnreadable(file, "not an image: the content is not JPEG, PNG, GIF, BMP or TIFF");
    }

    @Test
    void zeroByteFileIsUnreadable() throws IOException {
        assertUnreadable(Files.write(dir.resolve("empty.png"), new byte[0]), "empty file (0 bytes)");
    }

    @Test
    void truncatedPngIsUnreadable() throws IOException {
        byte[] png = TestImages.encode(noise(64, 48, 1), "png");
        Path file = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        assertUnreadable(file, "corrupt PNG");
    }

    @Test
    void truncatedJpegIsUnreadable() throws IOException {
        byte[] jpeg = TestImages.encode(noise(128, 128, 2), "jpeg");
        Path file = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length * 6 / 10));
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(file));
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("premature end"), e.getMessage());
    }

    @Test
    void jpegWithGarbledDataIsUnreadable() throws IOException {
        byte[] jpeg = TestImages.encode(noise(128, 128, 3), "jpeg");
        Random random = new Random(4);
        for (int i = jpeg.length / 2; i < jpeg.length / 2 + 300; i++) {
            jpeg[i] = (byte) random.nextInt(256);
        }
        assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(jpeg));
    }

    @Test
    void webpIsNamed() {
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII);
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(webp));
        assertEquals("WebP images are not supported (convert to JPEG or PNG)", e.getMessage());
    }

    @Test
    void hugeImageIsRefusedBeforeDecoding() throws Exception {
        byte[] png = TestImages.encode(TestImages.solid(2, 2, 0), "png");
        // IHDR starts at byte 8: length (4), "IHDR" (4), width (4), height (4), ..., CRC over type and data.
        ByteBuffer buffer = ByteBuffer.wrap(png);
        buffer.putInt(16, 20_000).putInt(20, 20_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        buffer.putInt(29, (int) crc.getValue());
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(png));
        assertTrue(e.getMessage().startsWith("PNG of 20000x20000 pixels: empty or too large"), e.getMessage());
    }

    @Test
    void grayscaleKeepsItsSamples() throws Exception {
        BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 50, 127, 128, 200, 255};
        gray.getRaster().setPixels(0, 0, 3, 2, values);
        DecodedImage image = ImageDecoder.decode(TestImages.encode(gray, "png"));
        assertEquals(1, image.channels());
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], image.pixels()[i] & 0xFF, "pixel " + i);
        }
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() throws Exception {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setPixels(0, 0, 2, 1, new int[] {257 * 128, 65535});
        DecodedImage image = ImageDecoder.decode(TestImages.encode(gray, "png"));
        assertEquals(1, image.channels());
        assertEquals(128, image.sample(0, 0, 0));
        assertEquals(255, image.sample(0, 1, 0));
    }

    @Test
    void rgbPngAndBmpAreExact() throws Exception {
        for (String format : new String[] {"png", "bmp"}) {
            DecodedImage image = ImageDecoder.decode(TestImages.encode(TestImages.gradient(6, 5, 10, 20, 30), format));
            assertEquals(3, image.channels(), format);
            assertPixel(image, 5, 4, 15, 24, 30, 0);
            assertPixel(image, 0, 0, 10, 20, 30, 0);
        }
    }

    @Test
    void rgbJpegIsCloseToItsColor() throws Exception {
        DecodedImage image = ImageDecoder.decode(TestImages.encode(TestImages.solid(16, 16, 0xC86432), "jpeg"));
        assertEquals(3, image.channels());
        assertPixel(image, 7, 7, 200, 100, 50, 3);
    }

    @Test
    void alphaIsDroppedNotComposited() throws Exception {
        BufferedImage rgba = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x800AC81E);
        rgba.setRGB(1, 1, 0x00FFFFFF);
        DecodedImage image = ImageDecoder.decode(TestImages.encode(rgba, "png"));
        assertEquals(3, image.channels());
        assertPixel(image, 0, 0, 10, 200, 30, 0);
        assertPixel(image, 1, 1, 255, 255, 255, 0);
    }

    @Test
    void gifGivesItsFirstFrame() throws Exception {
        // Made with ImageMagick: "convert -delay 10 -size 16x16 xc:red xc:blue", a red frame then a blue one.
        DecodedImage image = ImageDecoder.decode(resource("two-frames-red-blue.gif"));
        assertEquals(16, image.width());
        assertPixel(image, 8, 8, 255, 0, 0, 0);
    }

    /**
     * Quadrants red, green, blue and white, written as CMYK JPEGs: by Pillow (Adobe transform 0, plain CMYK) and
     * by ImageMagick (transform 2, YCCK). Without an embedded profile the exact sRGB values depend on the CMYK
     * profile assumed (a SWOP profile makes red about (237, 28, 36)), hence the tolerance of 40; the failures
     * this guards against (inverted channels, YCCK read as YCbCr, an exception) are off by more than 100.
     */
    @Test
    void cmykAndYcckJpegsBecomeTheRightColors() throws Exception {
        for (String name : new String[] {"cmyk-quadrants.jpg", "ycck-quadrants.jpg"}) {
            DecodedImage image = ImageDecoder.decode(resource(name));
            assertEquals(3, image.channels(), name);
            assertEquals(16, image.width(), name);
            assertPixel(image, 3, 3, 255, 0, 0, 40);
            assertPixel(image, 12, 3, 0, 255, 0, 40);
            assertPixel(image, 3, 12, 0, 0, 255, 40);
            assertPixel(image, 12, 12, 255, 255, 255, 40);
        }
    }

    private static BufferedImage noise(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ImageDecoderTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, "test resource " + name);
            return in.readAllBytes();
        }
    }

    private static void assertUnreadable(Path file, String expectedStart) {
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(file));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    private static void assertPixel(DecodedImage image, int x, int y, int r, int g, int b, int tolerance) {
        int[] expected = {r, g, b};
        for (int c = 0; c < 3; c++) {
            int actual = image.sample(y, x, c);
            assertTrue(Math.abs(actual - expected[c]) <= tolerance, "pixel (" + x + ", " + y + ") channel " + c
                    + ": " + actual + ", expected " + expected[c] + " within " + tolerance);
        }
    }
}
