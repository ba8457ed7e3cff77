package dev.striate.core.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decoding through ImageIO: PNG, GIF (first frame), BMP and TIFF always, and JPEG when libjpeg-turbo is absent.
 * CMYK and YCCK JPEGs are read by the TwelveMonkeys plugin, which the JDK's reader lacks; it converts them to
 * sRGB.
 */
final class ImageIoDecoder {
    private ImageIoDecoder() {
    }

    /** The width and height a file's header declares, read without decoding (TIFF's header is not simple). */
    static int[] size(ImageInputStream input, String format) throws UnreadableImageException {
        ImageReader reader = readerFor(format);
        try {
            reader.setInput(input, true, true);
            return new int[] {reader.getWidth(0), reader.getHeight(0)};
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("corrupt " + format + ": " + message(e), e);
        } finally {
            reader.dispose();
        }
    }

    static DecodedImage decode(byte[] bytes, String format) throws UnreadableImageException {
        ImageReader reader = readerFor(format);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width < 1 || height < 1 || width * height > ImageDecoder.MAX_PIXELS) {
                throw new UnreadableImageException(format + " of " + width + "x" + height
                        + " pixels: empty or too large (at most " + ImageDecoder.MAX_PIXELS + " pixels)");
            }
            BufferedImage image = reader.read(0);
            for (String warning : warnings) {
                if (ImageDecoder.isDamage(warning)) {
                    throw new UnreadableImageException("damaged " + format + ": " + warning);
                }
            }
            return toPixels(image);
        } catch (IOException e) {
            throw new UnreadableImageException("corrupt " + format + ": " + message(e), e);
        } catch (RuntimeException e) {
            // Decoders fed damaged bytes throw all kinds of unchecked exceptions; each means "corrupt file".
            throw new UnreadableImageException("corrupt " + format + ": " + message(e), e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader readerFor(String format) throws UnreadableImageException {
        // For JPEG the TwelveMonkeys reader registers itself ahead of the JDK's, so the first one handles CMYK.
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new UnreadableImageException("no " + format + " decoder installed");
        }
        return readers.next();
    }

    /** The failure in words: the wrapper's message and, when it differs, the root cause's. */
    private static String message(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootText = root instanceof EOFException ? "unexpected end of file"
                : root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String outer = e.getMessage();
        if (root == e || outer == null || outer.equals(root.getMessage()) || outer.equals(root.toString())) {
            return rootText;
        }
        return outer + " (" + rootText + ")";
    }

    /** Grayscale stays one channel; everything else becomes sRGB with alpha dropped (as PIL's convert("RGB")). */
    static DecodedImage toPixels(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        boolean gray = model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(model instanceof IndexColorModel);
        if (gray) {
            // Read the samples: getRGB would push gray through a linear-to-sRGB curve and brighten it.
            byte[] pixels = new byte[width * height];
            int max = (1 << model.getComponentSize(0)) - 1;
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    pixels[y * width + x] = (byte) (max == 255 ? row[x] : Math.round(row[x] * 255.0 / max));
                }
            }
            return new DecodedImage(height, width, 1, pixels);
        }
        byte[] pixels = new byte[width * height * 3];
        if (model instanceof ComponentColorModel && model.getColorSpace().isCS_sRGB()
                && !model.isAlphaPremultiplied() && raster.getSampleModel().getSampleSize(0) == 8) {
            // Common case (most JPEGs and PNGs): the raster's first three bands already are sRGB R, G, B.
            int bands = raster.getNumBands();
            int[] row = new int[width * bands];
            for (int y = 0; y < height; y++) {
                raster.getPixels(0, y, width, 1, row);
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 3; c++) {
                        pixels[(y * width + x) * 3 + c] = (byte) row[x * bands + c];
                    }
                }
            }
        } else {
            // Palettes, CMYK, 16-bit and ICC-profiled images: the color model converts to sRGB.
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, row, 0, width);
                for (int x = 0; x < width; x++) {
                    int argb = row[x];
                    int at = (y * width + x) * 3;
                    pixels[at] = (byte) (argb >> 16);
                    pixels[at + 1] = (byte) (argb >> 8);
                    pixels[at + 2] = (byte) argb;
                }
            }
        }
        return new DecodedImage(height, width, 3, pixels);
    }
}
