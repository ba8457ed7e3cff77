package dev.striate.core.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * One stored image on its way to pixels, in the steps the loader times: opened (the header's format and size,
 * checked against the caps), then loaded (the file's bytes), then decoded, a JPEG at a reduced scale if asked.
 * Items already in memory (IDX) are wrapped as decoded pixels.
 */
public final class EncodedImage {
    /**
     * Bytes per pixel a decode holds at its peak: a CMYK JPEG's 4 samples in libjpeg-turbo's buffer, their copy on
     * the heap, and the 3-byte RGB result (ImageIO holds less: a 4-byte raster and the 3-byte copy).
     */
    private static final int BYTES_PER_PIXEL_DECODING = 11;
    /** The first read of a file: the header and, for most photographs, the whole file. */
    private static final int FIRST_READ_BYTES = 256 * 1024;

    private final Path file;
    private final ImageHeader header;
    private final long fileBytes;
    private byte[] bytes;
    private final DecodedImage pixels;

    private EncodedImage(Path file, ImageHeader header, long fileBytes, byte[] bytes, DecodedImage pixels) {
        this.file = file;
        this.header = header;
        this.fileBytes = fileBytes;
        this.bytes = bytes;
        this.pixels = pixels;
    }

    /** Pixels already decoded (nothing to read or decode). */
    public static EncodedImage of(DecodedImage pixels) {
        return new EncodedImage(null, new ImageHeader("pixels", pixels.width(), pixels.height()), 0, null, pixels);
    }

    /**
     * The header of {@code file}, read after checking the file's size. A file that fits in the first read (most
     * photographs) is then already loaded; a larger one is read by {@link #load}.
     */
    static EncodedImage open(Path file) throws UnreadableImageException {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (size == 0) {
                throw new UnreadableImageException("empty file (0 bytes)");
            }
            if (size > ImageDecoder.MAX_FILE_BYTES) {
                throw new UnreadableImageException("a file of " + (size >> 20) + " MiB, larger than the "
                        + (ImageDecoder.MAX_FILE_BYTES >> 20) + " MiB an image file may have");
            }
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(size, FIRST_READ_BYTES));
            int count;
            do {
                count = channel.read(start);
            } while (count >= 0 && start.hasRemaining());
            byte[] first = Arrays.copyOf(start.array(), start.position());
            boolean whole = first.length == size;
            return new EncodedImage(file, checked(header(first, whole ? null : file)), size, whole ? first : null,
                    null);
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read the file: " + e.getMessage(), e);
        }
    }

    /** The header from the file's first bytes, or from the whole {@code file} (when not null) if it lies beyond. */
    private static ImageHeader header(byte[] first, Path file) throws UnreadableImageException, IOException {
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(first))) {
            return ImageHeader.read(input);
        } catch (EOFException e) {
            if (file == null) {
                throw new UnreadableImageException("corrupt image: the file ends inside its header", e);
            }
        }
        try (ImageInputStream input = new FileImageInputStream(file.toFile())) {
            return ImageHeader.read(input);
        } catch (EOFException e) {
            throw new UnreadableImageException("corrupt image: the file ends inside its header", e);
        }
    }

    /** An image file's bytes already in memory. */
    static EncodedImage of(byte[] bytes) throws UnreadableImageException {
        ImageDecoder.sniffFormat(bytes);
        try {
            return new EncodedImage(null, checked(header(bytes, null)), bytes.length, bytes, null);
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read the image: " + e.getMessage(), e);
        }
    }

    private static ImageHeader checked(ImageHeader header) throws UnreadableImageException {
        if (header.width() < 1 || header.height() < 1 || header.pixels() > ImageDecoder.MAX_PIXELS) {
            throw new UnreadableImageException(header.format() + " of " + header.width() + "x" + header.height()
                    + " pixels: empty or too large (at most " + ImageDecoder.MAX_PIXELS + " pixels)");
        }
        return header;
    }

    public int width() {
        return header.width();
    }

    public int height() {
        return header.height();
    }

    /**
     * The scale, in eighths, this image will be decoded at when at least {@code minimumEighths}/8 is needed:
     * that for a JPEG decoded by libjpeg-turbo, the full size (8) otherwise.
     */
    int decodableEighths(int minimumEighths) {
        return header.format().equals("JPEG") && JpegTurbo.find() != null ? minimumEighths : 8;
    }

    /** The memory that loading and decoding at {@code eighths}/8 hold at their peak, in bytes. */
    long memoryToDecode(int eighths) {
        if (pixels != null) {
            return 0;
        }
        long decoded = (long) JpegTurbo.scaled(header.width(), eighths) * JpegTurbo.scaled(header.height(), eighths);
        return fileBytes + decoded * BYTES_PER_PIXEL_DECODING;
    }

    /** Which decoder {@link #decode} uses, for the loader's statistics. */
    String decoderName() {
        if (pixels != null) {
            return "in memory";
        }
        return header.format().equals("JPEG") && JpegTurbo.find() != null ? "libjpeg-turbo" : "ImageIO";
    }

    /** Reads the file's bytes (nothing for bytes or pixels already in memory). */
    void load() throws UnreadableImageException {
        if (bytes != null || pixels != null) {
            return;
        }
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read the file: " + e.getMessage(), e);
        }
    }

    /**
     * The pixels at {@code eighths}/8 of the size (from {@link #decodableEighths}; 8 for every decoder but
     * libjpeg-turbo's). Call {@link #load} first.
     */
    DecodedImage decode(int eighths) throws UnreadableImageException {
        if (pixels != null) {
            return pixels;
        }
        if (bytes == null) {
            throw new IllegalStateException("decode before load");
        }
        JpegTurbo turbo = JpegTurbo.find();
        boolean jpeg = header.format().equals("JPEG");
        if (jpeg && turbo == null) {
            JpegTurbo.fellBack();
        }
        DecodedImage image = jpeg && turbo != null ? turbo.decode(bytes, eighths)
                : ImageIoDecoder.decode(bytes, header.format());
        int expectedWidth = JpegTurbo.scaled(header.width(), eighths);
        int expectedHeight = JpegTurbo.scaled(header.height(), eighths);
        if (image.width() != expectedWidth || image.height() != expectedHeight) {
            throw new UnreadableImageException("corrupt " + header.format() + ": the header says " + header.width()
                    + "x" + header.height() + " but the image decodes to " + image.width() + "x" + image.height());
        }
        return image;
    }

    /** Loads and decodes the whole image within the decode budget. */
    DecodedImage decodeWhole(DecodeBudget budget) throws UnreadableImageException {
        try (DecodeBudget.Reservation reservation = budget.reserve(memoryToDecode(8), description())) {
            load();
            return decode(8);
        }
    }

    /** The image in words, for messages: "a JPEG of 4000x3000 pixels". */
    String description() {
        return "a " + header.format() + " of " + header.width() + "x" + header.height() + " pixels";
    }
}
