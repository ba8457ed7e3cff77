package dev.striate.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Small IDX data sets cut from the Fashion-MNIST subset shipped in the jar (on this module's class path through
 * the cli module): the first images of its training and test files, for tests that must run in seconds.
 */
final class SmallFashionMnist {
    private static final String FOLDER = "demo/fashion-mnist-subset/";
    private static final int SIDE = 28;

    private SmallFashionMnist() {
    }

    /** Writes {@code train} training and {@code test} test images (and labels, and classes.txt) into {@code dir}. */
    static Path write(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        copy("train", train, dir);
        copy("t10k", test, dir);
        try (InputStream classes = resource("classes.txt")) {
            Files.write(dir.resolve("classes.txt"), classes.readAllBytes());
        }
        return dir;
    }

    private static void copy(String split, int count, Path dir) throws IOException {
        try (DataInputStream images = new DataInputStream(new GZIPInputStream(
                resource(split + "-images-idx3-ubyte.gz")));
             DataInputStream labels = new DataInputStream(new GZIPInputStream(
                     resource(split + "-labels-idx1-ubyte.gz")))) {
            images.skipNBytes(16);
            labels.skipNBytes(8);
            ByteArrayOutputStream imageFile = new ByteArrayOutputStream();
            DataOutputStream imageOut = new DataOutputStream(imageFile);
            imageOut.writeInt(0x00000803);
            imageOut.writeInt(count);
            imageOut.writeInt(SIDE);
            imageOut.writeInt(SIDE);
            imageOut.write(images.readNBytes(count * SIDE * SIDE));
            ByteArrayOutputStream labelFile = new ByteArrayOutputStream();
            DataOutputStream labelOut = new DataOutputStream(labelFile);
            labelOut.writeInt(0x00000801);
            labelOut.writeInt(count);
            labelOut.write(labels.readNBytes(count));
            Files.write(dir.resolve(split + "-images-idx3-ubyte"), imageFile.toByteArray());
            Files.write(dir.resolve(split + "-labels-idx1-ubyte"), labelFile.toByteArray());
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = SmallFashionMnist.class.getClassLoader().getResourceAsStream(FOLDER + name);
        if (in == null) {
            throw new IOException(FOLDER + name + " is not on the class path");
        }
        return in;
    }
}
