package dev.striate.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
    /** 8x10 gray images whose pixels depend on the item and the position; items in {@code bad} fail. */
    private record SyntheticDataset(int size, Set<Integer> bad) implements Dataset {
        @Override
        public List<String> classes() {
            return List.of("a", "b", "c");
        }

        @Override
        public int label(int index) {
            return index % 3;
        }

        @Override
        public String describe(int index) {
            return "item " + index;
        }

        @Override
        public DecodedImage decode(int index) throws UnreadableImageException {
            if (bad.contains(index)) {
                throw new UnreadableImageException("broken on purpose");
            }
            byte[] pixels = new byte[8 * 10];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) (index * 7 + p * 3);
            }
            return new DecodedImage(8, 10, 1, pixels);
        }
    }

    /** A batch copied out of the loader's buffers. */
    private record Copy(float[] images, int[] labels, int size, int index, List<String> skipped) {
        static Copy of(Batch batch) {
            return new Copy(batch.imagesArray(), batch.labels().clone(), batch.size(), batch.index(),
                    batch.skipped());
        }
    }

    private static List<Copy> collect(Iterator<Batch> batches) {
        List<Copy> copies = new ArrayList<>();
        batches.forEachRemaining(batch -> copies.add(Copy.of(batch)));
        return copies;
    }

    private static List<Copy> epoch(Dataset dataset, TransformPipeline transform, int batchSize, boolean shuffle,
            boolean dropLast, int workers, int epoch, int startBatch) {
        try (Loader loader = new Loader(dataset, transform, batchSize, shuffle, dropLast, workers, 7)) {
            return collect(loader.epoch(epoch, startBatch));
        }
    }

    private static void assertSameBatches(List<Copy> expected, List<Copy> actual) {
        assertEquals(expected.size(), actual.size(), "number of batches");
        for (int b = 0; b < expected.size(); b++) {
            assertEquals(expected.get(b).index(), actual.get(b).index());
            assertEquals(expected.get(b).size(), actual.get(b).size());
            assertArrayEquals(expected.get(b).labels(), actual.get(b).labels(), "labels of batch " + b);
            assertArrayEquals(expected.get(b).images(), actual.get(b).images(), "images of batch " + b);
            assertEquals(expected.get(b).skipped(), actual.get(b).skipped());
        }
    }

    private static final TransformPipeline AUGMENTED = TransformPipeline.train(1, 6, 6);

    @Test
    void sameBatchesWithOneOrThreeWorkers() {
        Dataset dataset = new SyntheticDataset(50, Set.of(17));
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Copy> one = epoch(dataset, AUGMENTED, 8, true, false, 1, epoch, 0);
            List<Copy> three = epoch(dataset, AUGMENTED, 8, true, false, 3, epoch, 0);
            assertSameBatches(one, three);
            assertEquals(49, one.stream().mapToInt(Copy::size).sum());
        }
    }

    /**
     * A folder of JPEG photographs-to-be (decoded at reduced DCT scales when libjpeg-turbo is present): the same
     * batches with one or three workers, and the batch memory is off the heap and page-aligned.
     */
    @Test
    void jpegFolderGivesTheSameBatchesWithOneOrThreeWorkers(@TempDir Path root) throws IOException {
        for (int i = 0; i < 12; i++) {
            Path folder = Files.createDirectories(root.resolve("class" + (i % 2)));
            Files.write(folder.resolve(i + ".jpg"), TestImages.jpeg(
                    TestImages.photoLike(300 + 10 * i, 220, java.awt.image.BufferedImage.TYPE_INT_RGB, i), false));
        }
        Dataset dataset = Datasets.inspect(root).splits().get("all");
        TransformPipeline imagenet = TransformPipeline.train(3, 32, 32);
        assertSameBatches(epoch(dataset, imagenet, 5, true, false, 1, 0, 0),
                epoch(dataset, imagenet, 5, true, false, 3, 0, 0));
        try (Loader loader = new Loader(dataset, imagenet, 5, true, false, 2, 0)) {
            Batch first = loader.epoch(0, 0).next();
            assertTrue(first.images().isNative());
            assertEquals(0, first.images().address() % 4096);
            assertEquals(5L * imagenet.itemSize() * Float.BYTES, first.images().byteSize());
        }
    }

    @Test
    void anotherEpochHasAnotherOrderAndAugmentation() {
        Dataset dataset = new SyntheticDataset(50, Set.of());
        try (Loader loader = new Loader(dataset, AUGMENTED, 8, true, false, 2, 7)) {
            int[] first = loader.order(0);
            int[] second = loader.order(1);
            assertFalse(Arrays.equals(first, second));
            assertArrayEquals(first, loader.order(0));
            int[] sorted = first.clone();
            Arrays.sort(sorted);
            int[] identity = new int[50];
            Arrays.setAll(identity, i -> i);
            assertArrayEquals(identity, sorted);
            List<Copy> epoch0 = collect(loader.epoch(0, 0));
            List<Copy> epoch1 = collect(loader.epoch(1, 0));
            assertFalse(Arrays.equals(epoch0.getFirst().labels(), epoch1.getFirst().labels())
                    && Arrays.equals(epoch0.getFirst().images(), epoch1.getFirst().images()));
        }
        try (Loader otherSeed = new Loader(dataset, AUGMENTED, 8, true, false, 2, 8)) {
            try (Loader loader = new Loader(dataset, AUGMENTED, 8, true, false, 2, 7)) {
                assertFalse(Arrays.equals(loader.order(0), otherSeed.order(0)));
            }
        }
    }

    @Test
    void startBatchContinuesTheSameSequence() {
        Dataset dataset = new SyntheticDataset(50, Set.of(30));
        List<Copy> whole = epoch(dataset, AUGMENTED, 8, true, false, 2, 4, 0);
        List<Copy> resumed = epoch(dataset, AUGMENTED, 8, true, false, 3, 4, 3);
        assertEquals(3, resumed.getFirst().index());
        assertSameBatches(whole.subList(3, whole.size()), resumed);
        assertTrue(epoch(dataset, AUGMENTED, 8, true, false, 1, 4, 7).isEmpty());
    }

    @Test
    void lastPartialBatchIsKeptUnlessDropped() {
        Dataset dataset = new SyntheticDataset(50, Set.of());
        TransformPipeline plain = TransformPipeline.plain(1, 8, 10);
        try (Loader loader = new Loader(dataset, plain, 8, false, false, 2, 7)) {
            assertEquals(7, loader.batchesPerEpoch());
            List<Copy> batches = collect(loader.epoch(0, 0));
            assertEquals(7, batches.size());
            assertEquals(2, batches.getLast().size());
            assertEquals(2 * 80, batches.getLast().images().length);
            assertArrayEquals(new int[] {48 % 3, 49 % 3}, batches.getLast().labels());
        }
        try (Loader loader = new Loader(dataset, plain, 8, false, true, 2, 7)) {
            assertEquals(6, loader.batchesPerEpoch());
            assertEquals(6, collect(loader.epoch(0, 0)).size());
        }
    }

    @Test
    void unshuffledBatchesFollowTheDatasetAndHoldTheTransformedPixels() throws Exception {
        Dataset dataset = new SyntheticDataset(10, Set.of());
        TransformPipeline plain = TransformPipeline.plain(1, 8, 10);
        List<Copy> batches = epoch(dataset, plain, 4, false, false, 3, 0, 0);
        assertArrayEquals(new int[] {4 % 3, 5 % 3, 6 % 3, 7 % 3}, batches.get(1).labels());
        float[] expected = new float[80];
        plain.apply(dataset.decode(5), new java.util.SplittableRandom(0), expected, 0);
        assertArrayEquals(expected, Arrays.copyOfRange(batches.get(1).images(), 80, 160));
    }

    @Test
    void unreadableItemsAreSkippedAndNamedEveryEpoch() throws Exception {
        Dataset dataset = new SyntheticDataset(12, Set.of(1, 10));
        TransformPipeline plain = TransformPipeline.plain(1, 8, 10);
        try (Loader loader = new Loader(dataset, plain, 4, false, false, 2, 7)) {
            for (int epoch = 0; epoch < 2; epoch++) {
                List<Copy> batches = collect(loader.epoch(epoch, 0));
                assertEquals(List.of("item 1: broken on purpose"), batches.get(0).skipped());
                assertEquals(3, batches.get(0).size());
                assertArrayEquals(new int[] {0, 2 % 3, 3 % 3}, batches.get(0).labels());
                float[] third = new float[80];
                plain.apply(dataset.decode(3), new java.util.SplittableRandom(0), third, 0);
                assertArrayEquals(third, Arrays.copyOfRange(batches.get(0).images(), 160, 240));
                assertEquals(List.of(), batches.get(1).skipped());
                assertEquals(List.of("item 10: broken on purpose"), batches.get(2).skipped());
                assertEquals(3, batches.get(2).size());
            }
        }
    }

    @Test
    void aBatchWhoseItemsAllFailTakesTheNextReadableOnes() {
        Dataset dataset = new SyntheticDataset(12, Set.of(4, 5, 6, 7, 8));
        List<Copy> batches = epoch(dataset, TransformPipeline.plain(1, 8, 10), 4, false, false, 2, 0, 0);
        Copy second = batches.get(1);
        assertEquals(4, second.size());
        assertEquals(List.of("item 4: broken on purpose", "item 5: broken on purpose", "item 6: broken on purpose",
                "item 7: broken on purpose"), second.skipped());
        assertArrayEquals(new int[] {9 % 3, 10 % 3, 11 % 3, 0}, second.labels());
        assertEquals(List.of("item 8: broken on purpose"), batches.get(2).skipped());
    }

    @Test
    void nothingReadableIsAnError() {
        Dataset dataset = new SyntheticDataset(3, Set.of(0, 1, 2));
        DatasetException e = assertThrows(DatasetException.class,
                () -> epoch(dataset, TransformPipeline.plain(1, 8, 10), 2, false, false, 1, 0, 0));
        assertEquals("none of the 3 images could be decoded (first: item 0: broken on purpose); check the data with "
                + "striate dataset info", e.getMessage());
    }

    @Test
    void abandoningAnEpochLeavesTheNextOneIntact() {
        Dataset dataset = new SyntheticDataset(40, Set.of());
        List<Copy> fresh = epoch(dataset, AUGMENTED, 4, true, false, 3, 1, 0);
        try (Loader loader = new Loader(dataset, AUGMENTED, 4, true, false, 3, 7)) {
            Iterator<Batch> early = loader.epoch(0, 0);
            early.next();
            early.next();
            assertSameBatches(fresh, collect(loader.epoch(1, 0)));
            assertFalse(early.hasNext());
        }
    }

    @Test
    void badFilesInAFolderAreSkippedAndNamed(@TempDir Path root) throws IOException {
        for (int i = 0; i < 5; i++) {
            TestImages.png(root.resolve("train/a/good" + i + ".png"), 0x808080);
            TestImages.png(root.resolve("train/b/good" + i + ".png"), 0x404040);
        }
        Files.writeString(root.resolve("train/a/notes.jpg"), "not an image");
        Files.write(root.resolve("train/a/zero.png"), new byte[0]);
        byte[] png = TestImages.encode(TestImages.gradient(40, 40, 0, 0, 0), "png");
        Files.write(root.resolve("train/b/cut.png"), Arrays.copyOf(png, png.length / 2));
        TestImages.png(root.resolve("val/a/good.png"), 0);
        Dataset train = Datasets.open(root, 0, 0).train();
        assertEquals(13, train.size());
        List<Copy> batches = epoch(train, TransformPipeline.plain(3, 3, 4), 5, true, false, 2, 0, 0);
        assertEquals(10, batches.stream().mapToInt(Copy::size).sum());
        List<String> skipped = batches.stream().flatMap(b -> b.skipped().stream()).sorted().toList();
        assertEquals(3, skipped.size());
        assertTrue(skipped.get(0).startsWith(root.resolve("train/a/notes.jpg") + ": not an image"), skipped::toString);
        assertTrue(skipped.get(1).startsWith(root.resolve("train/a/zero.png") + ": empty file"), skipped::toString);
        assertTrue(skipped.get(2).startsWith(root.resolve("train/b/cut.png") + ": corrupt PNG"), skipped::toString);
    }

    @Test
    void badArgumentsAreUserErrors() {
        Dataset dataset = new SyntheticDataset(5, Set.of());
        TransformPipeline plain = TransformPipeline.plain(1, 8, 10);
        assertEquals("batch size must be at least 1, got 0", assertThrows(UserException.class,
                () -> new Loader(dataset, plain, 0, false, false, 1, 0)).getMessage());
        assertEquals("workers must be at least 1, got 0", assertThrows(UserException.class,
                () -> new Loader(dataset, plain, 2, false, false, 0, 0)).getMessage());
        assertEquals("batch size 8 is larger than the 5 images and the last partial batch is dropped: lower the "
                + "batch size", assertThrows(DatasetException.class,
                        () -> new Loader(dataset, plain, 8, false, true, 1, 0)).getMessage());
        try (Loader loader = new Loader(dataset, plain, 2, false, false, 1, 0)) {
            assertThrows(IllegalArgumentException.class, () -> loader.epoch(0, 4));
            assertNotEquals(0, loader.batchesPerEpoch());
        }
    }
}
