package dev.striate.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny IDX data set written for a test: two classes, dark and bright 6x6 images. */
final class TinyIdx {
    private TinyIdx() {
    }

    /** {@code train} training and {@code test} test images, alternating dark (class 0) and bright (class 1). */
    static Path write(Path dir, int train, int test) throws IOException {
        Path idx = Files.createDirectories(dir);
        for (String split : new String[] {"train", "t10k"}) {
            int count = split.equals("train") ? train : test;
            ByteBuffer images = ByteBuffer.allocate(16 + 36 * count).putInt(0x803).putInt(count).putInt(6).putInt(6);
            ByteBuffer labels = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
            for (int i = 0; i < count; i++) {
                for (int p = 0; p < 36; p++) {
                    images.put((byte) (i % 2 == 0 ? 20 + p : 220 - p));
                }
                labels.put((byte) (i % 2));
            }
            Files.write(idx.resolve(split + "-images-idx3-ubyte"), images.array());
            Files.write(idx.resolve(split + "-labels-idx1-ubyte"), labels.array());
        }
        Files.writeString(idx.resolve("classes.txt"), "dark\nbright\n");
        return idx;
    }
}
