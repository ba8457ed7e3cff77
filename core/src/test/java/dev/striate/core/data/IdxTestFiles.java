package dev.striate.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** IDX files written byte by byte for tests: image i has every pixel equal to {@code pixelOf(i)}. */
final class IdxTestFiles {
    private IdxTestFiles() {
    }

    static int pixelOf(int image) {
        return (image * 37 + 11) % 256;
    }

    static byte[] images(int count, int rows, int columns) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * rows * columns);
        buffer.putInt(0x00000803).putInt(count).putInt(rows).putInt(columns);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * columns; p++) {
                buffer.put((byte) pixelOf(i));
            }
        }
        return buffer.array();
    }

    static byte[] labels(int... labels) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + labels.length);
        buffer.putInt(0x00000801).putInt(labels.length);
        for (int label : labels) {
            buffer.put((byte) label);
        }
        return buffer.array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    /** train-* (labels {@code train}) and t10k-* (labels {@code test}) in {@code dir}, 2x3 pixels each. */
    static void write(Path dir, boolean gzipped, int[] train, int[] test) throws IOException {
        Files.createDirectories(dir);
        String suffix = gzipped ? ".gz" : "";
        Files.write(dir.resolve("train-images-idx3-ubyte" + suffix), maybeGzip(images(train.length, 2, 3), gzipped));
        Files.write(dir.resolve("train-labels-idx1-ubyte" + suffix), maybeGzip(labels(train), gzipped));
        Files.write(dir.resolve("t10k-images-idx3-ubyte" + suffix), maybeGzip(images(test.length, 2, 3), gzipped));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte" + suffix), maybeGzip(labels(test), gzipped));
    }

    private static byte[] maybeGzip(byte[] bytes, boolean gzipped) throws IOException {
        return gzipped ? gzip(bytes) : bytes;
    }
}
