package dev.striate.core.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Images written with the JDK's own encoders, so the expected pixels are known by construction. */
final class TestImages {
    private TestImages() {
    }

    /** An RGB image whose pixel (x, y) is (r0 + x, g0 + y, b). */
    static BufferedImage gradient(int width, int height, int r0, int g0, int b) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((r0 + x) << 16) | ((g0 + y) << 8) | b);
            }
        }
        return image;
    }

    static BufferedImage solid(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path file, BufferedImage image, String format) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, encode(image, format));
        return file;
    }

    /** A small PNG of one color at {@code file}. */
    static Path png(Path file, int rgb) throws IOException {
        return write(file, solid(4, 3, rgb), "png");
    }
}
