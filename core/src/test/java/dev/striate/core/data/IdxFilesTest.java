package dev.striate.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsGzippedFilesWithDigitClasses() throws Exception {
        IdxTestFiles.write(dir, true, new int[] {3, 0, 9, 1}, new int[] {2, 2});
        DatasetSplits splits = Datasets.open(dir, 0, 0);
        checkTrain(splits.train());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), splits.train().classes());
        assertEquals(2, splits.val().size());
        assertEquals(2, splits.val().label(1));
        assertEquals(IdxTestFiles.pixelOf(1), splits.val().decode(1).sample(1, 2, 0));
    }

    @Test
    void readsPlainFilesAndClassNamesFromClassesTxt() throws Exception {
        IdxTestFiles.write(dir, false, new int[] {3, 0, 9, 1}, new int[] {2, 2});
        List<String> names = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                "Sneaker", "Bag", "Ankle boot");
        Files.writeString(dir.resolve("classes.txt"), String.join("\n", names) + "\n\n");
        DatasetSplits splits = Datasets.open(dir, 0, 0);
        checkTrain(splits.train());
        assertEquals(names, splits.train().classes());
        assertEquals(names, splits.val().classes());
        assertEquals("Ankle boot", splits.train().classes().get(splits.train().label(2)));
    }

    @Test
    void acceptsDottedFileNames() throws IOException {
        Files.write(dir.resolve("train-images.idx3-ubyte"), IdxTestFiles.images(2, 2, 3));
        Files.write(dir.resolve("train-labels.idx1-ubyte"), IdxTestFiles.labels(1, 0));
        assertEquals(DatasetLayout.IDX, Datasets.layout(dir));
        DataSource source = Datasets.inspect(dir);
        assertEquals(List.of("train"), List.copyOf(source.splits().keySet()));
        assertEquals(2, source.splits().get("train").size());
    }

    private static void checkTrain(Dataset train) throws UnreadableImageException {
        assertEquals(4, train.size());
        assertArrayEquals(new int[] {3, 0, 9, 1}, new int[] {train.label(0), train.label(1), train.label(2),
                train.label(3)});
        DecodedImage third = train.decode(2);
        assertEquals(2, third.height());
        assertEquals(3, third.width());
        assertEquals(1, third.channels());
        byte[] expected = new byte[6];
        Arrays.fill(expected, (byte) IdxTestFiles.pixelOf(2));
        assertArrayEquals(expected, third.pixels());
        assertTrue(train.describe(2).endsWith("train-images-idx3-ubyte.gz#2")
                || train.describe(2).endsWith("train-images-idx3-ubyte#2"), train.describe(2));
    }

    @Test
    void truncatedImageFileIsNamed() throws IOException {
        byte[] images = IdxTestFiles.images(4, 2, 3);
        Files.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(images, images.length - 5));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxTestFiles.labels(0, 1, 2, 3));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.inspect(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte is 35 bytes but its header declares 4 images"),
                e.getMessage());
        assertTrue(e.getMessage().contains("fetch it again"), e.getMessage());
    }

    @Test
    void labelCountMismatchIsNamed() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), IdxTestFiles.images(4, 2, 3));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxTestFiles.labels(0, 1, 2));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.inspect(dir));
        assertTrue(e.getMessage().contains("4 images but 3 labels"), e.getMessage());
    }

    @Test
    void swappedFilesAreNamed() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), IdxTestFiles.labels(0, 1));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxTestFiles.images(2, 2, 3));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.inspect(dir));
        assertTrue(e.getMessage().contains("has 1 dimensions, expected 3 (images)"), e.getMessage());
    }

    @Test
    void nonByteElementsAreRefused() throws IOException {
        byte[] images = IdxTestFiles.images(2, 2, 3);
        images[2] = 0x0D;
        Files.write(dir.resolve("train-images-idx3-ubyte"), images);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxTestFiles.labels(0, 1));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.inspect(dir));
        assertTrue(e.getMessage().contains("type 0xd; only unsigned bytes"), e.getMessage());
    }

    @Test
    void labelBeyondClassesTxtIsNamed() throws IOException {
        IdxTestFiles.write(dir, false, new int[] {0, 2}, new int[] {1});
        Files.writeString(dir.resolve("classes.txt"), "cat\ndog\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.inspect(dir));
        assertTrue(e.getMessage().contains("holds label 2 but there are only 2 class names"), e.getMessage());
    }

    @Test
    void missingLabelsAreNamed() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxTestFiles.gzip(IdxTestFiles.images(2, 2, 3)));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.inspect(dir));
        assertTrue(e.getMessage().contains("has train-images-idx3-ubyte.gz but no labels for it: add "
                + "train-labels-idx1-ubyte.gz"), e.getMessage());
    }

    @Test
    void damagedGzipIsNamed() throws IOException {
        byte[] gz = IdxTestFiles.gzip(IdxTestFiles.images(50, 2, 3));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxTestFiles.labels(new int[50]));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.inspect(dir));
        assertTrue(e.getMessage().startsWith("cannot read IDX file " + dir.resolve("train-images-idx3-ubyte.gz")),
                e.getMessage());
    }
}
