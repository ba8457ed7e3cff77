package dev.striate.core.data;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteOrder;
import javax.imageio.stream.ImageInputStream;

/**
 * An image file's format and the size its header declares, read before anything is decoded so that a size too
 * large to decode is refused, and a JPEG can be decoded at the scale it is needed at.
 */
record ImageHeader(String format, int width, int height) {
    private static final int FIRST_BYTES = 12;
    /** BMP: where the size of the info header is; OS/2 1.x headers of 12 bytes hold 16-bit sizes. */
    private static final int BMP_HEADER_SIZE_AT = 14;
    private static final int OS2_HEADER_SIZE = 12;
    private static final int BMP_SIZE_AT = 18;

    /**
     * Reads the header from the start of {@code input}; an exception names what is wrong, except the end of the
     * input inside the header ({@link EOFException}), which the caller words (it may hold only the file's start).
     */
    static ImageHeader read(ImageInputStream input) throws UnreadableImageException, EOFException {
        try {
            byte[] first = new byte[FIRST_BYTES];
            int count = input.read(first);
            String format = ImageDecoder.sniffFormat(java.util.Arrays.copyOf(first, Math.max(count, 0)));
            input.seek(0);
            int[] size = switch (format) {
                case "JPEG" -> jpegSize(input);
                case "PNG" -> pngSize(input);
                case "BMP" -> bmpSize(input);
                // GIF: the first frame's size, which ImageIO decodes (the logical screen may be larger); TIFF.
                default -> ImageIoDecoder.size(input, format);
            };
            return new ImageHeader(format, size[0], size[1]);
        } catch (EOFException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read the file: " + e.getMessage(), e);
        }
    }

    long pixels() {
        return (long) width * height;
    }

    /** Walks the JPEG's segments to its frame header (SOFn), which holds the size. */
    private static int[] jpegSize(ImageInputStream input) throws IOException, UnreadableImageException {
        input.setByteOrder(ByteOrder.BIG_ENDIAN);
        input.skipBytes(2);
        while (true) {
            int prefix = input.readUnsignedByte();
            if (prefix != 0xFF) {
                throw new UnreadableImageException("corrupt JPEG: no frame header before the image data");
            }
            int marker = input.readUnsignedByte();
            while (marker == 0xFF) {
                marker = input.readUnsignedByte();
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                throw new UnreadableImageException("corrupt JPEG: no frame header before the image data");
            }
            int length = input.readUnsignedShort();
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                input.skipBytes(1);
                int height = input.readUnsignedShort();
                int width = input.readUnsignedShort();
                return new int[] {width, height};
            }
            if (length < 2) {
                throw new UnreadableImageException("corrupt JPEG: a segment of length " + length);
            }
            input.seek(input.getStreamPosition() + length - 2);
        }
    }

    private static int[] pngSize(ImageInputStream input) throws IOException, UnreadableImageException {
        input.setByteOrder(ByteOrder.BIG_ENDIAN);
        input.seek(12);
        byte[] type = new byte[4];
        input.readFully(type);
        if (!new String(type, java.nio.charset.StandardCharsets.US_ASCII).equals("IHDR")) {
            throw new UnreadableImageException("corrupt PNG: it does not start with an IHDR chunk");
        }
        int width = input.readInt();
        int height = input.readInt();
        return new int[] {width, height};
    }

    /** BMP: 32-bit sizes at 18 (height negative for top-down rows); OS/2 1.x headers hold 16-bit ones. */
    private static int[] bmpSize(ImageInputStream input) throws IOException {
        input.setByteOrder(ByteOrder.LITTLE_ENDIAN);
        boolean os2 = readHeaderSize(input) == OS2_HEADER_SIZE;
        input.seek(BMP_SIZE_AT);
        if (os2) {
            return new int[] {input.readUnsignedShort(), input.readUnsignedShort()};
        }
        int width = input.readInt();
        int height = input.readInt();
        return new int[] {width, height == Integer.MIN_VALUE ? height : Math.abs(height)};
    }

    private static int readHeaderSize(ImageInputStream input) throws IOException {
        input.seek(BMP_HEADER_SIZE_AT);
        return input.readInt();
    }
}
