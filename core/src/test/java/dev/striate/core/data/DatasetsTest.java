package dev.striate.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path root;

    @Test
    void classesAreSortedFolderNamesAndHiddenEntriesAreIgnored() throws IOException {
        TestImages.png(root.resolve("train/zebra/b.png"), 0xFF0000);
        TestImages.png(root.resolve("train/zebra/a.png"), 0xFF0000);
        TestImages.png(root.resolve("train/Ant/nested/x.png"), 0x00FF00);
        TestImages.png(root.resolve("train/bee/1.png"), 0x0000FF);
        Files.writeString(root.resolve("train/bee/.DS_Store"), "junk");
        TestImages.png(root.resolve("train/.cache/hidden.png"), 0);
        TestImages.png(root.resolve("val/bee/2.png"), 0x0000FF);
        TestImages.png(root.resolve("val/Ant/3.png"), 0x00FF00);

        DatasetSplits splits = Datasets.open(root, 0, 0);
        // String order: upper case before lower case, as Python's sorted() gives torchvision.
        assertEquals(List.of("Ant", "bee", "zebra"), splits.train().classes());
        assertEquals(4, splits.train().size());
        assertEquals(List.of(root.resolve("train/Ant/nested/x.png").toString(),
                root.resolve("train/bee/1.png").toString(), root.resolve("train/zebra/a.png").toString(),
                root.resolve("train/zebra/b.png").toString()), describeAll(splits.train()));
        assertEquals(List.of(0, 1, 2, 2), labels(splits.train()));
        assertEquals(splits.train().classes(), splits.val().classes());
        assertEquals(List.of(0, 1), labels(splits.val()));
        assertEquals(DatasetLayout.TRAIN_VAL, Datasets.layout(root));
    }

    @Test
    void oneFolderOfClassesIsSplitDeterministicallyPerClass() throws IOException {
        for (int i = 0; i < 20; i++) {
            TestImages.png(root.resolve("cat/" + i + ".png"), 0x101010);
        }
        for (int i = 0; i < 10; i++) {
            TestImages.png(root.resolve("dog/" + i + ".png"), 0x202020);
        }
        TestImages.png(root.resolve("emu/only.png"), 0x303030);
        DatasetSplits first = Datasets.open(root, 0.2, 42);
        DatasetSplits again = Datasets.open(root, 0.2, 42);
        DatasetSplits otherSeed = Datasets.open(root, 0.2, 43);

        assertEquals(describeAll(first.val()), describeAll(again.val()));
        assertEquals(describeAll(first.train()), describeAll(again.train()));
        assertNotEquals(describeAll(first.val()), describeAll(otherSeed.val()));
        // Per class: round(20 * 0.2) = 4 cats, round(10 * 0.2) = 2 dogs, and the single emu stays in training.
        assertEquals(List.of(0, 0, 0, 0, 1, 1), labels(first.val()));
        assertEquals(25, first.train().size());
        Set<String> all = new HashSet<>(describeAll(first.train()));
        all.addAll(describeAll(first.val()));
        assertEquals(31, all.size());
        assertEquals(List.of("cat", "dog", "emu"), first.val().classes());
        assertEquals(DatasetLayout.CLASS_FOLDERS, Datasets.layout(root));
    }

    @Test
    void trainWithoutValIsSplitWhenAFractionIsGiven() throws IOException {
        for (int i = 0; i < 10; i++) {
            TestImages.png(root.resolve("train/a/" + i + ".png"), 0);
        }
        assertEquals(5, Datasets.open(root, 0.5, 1).val().size());
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0, 1));
        assertEquals(root + " has train/ but no val/ folder: pass --val-split F (0 < F < 1) to hold out a fraction"
                + " of the images for validation", e.getMessage());
    }

    /** A folder holding only val/ (as for evaluation) is that split, not one class named "val". */
    @Test
    void aFolderOfValAloneIsTheValidationSplit() throws IOException {
        TestImages.png(root.resolve("val/cat/1.png"), 0);
        TestImages.png(root.resolve("val/cat/2.png"), 0);
        TestImages.png(root.resolve("val/dog/1.png"), 0);
        assertEquals(DatasetLayout.TRAIN_VAL, Datasets.layout(root));
        DataSource source = Datasets.inspect(root);
        assertEquals(List.of("val"), List.copyOf(source.splits().keySet()));
        Dataset val = source.splits().get("val");
        assertEquals(List.of("cat", "dog"), val.classes());
        assertEquals(List.of(0, 0, 1), List.of(val.label(0), val.label(1), val.label(2)));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0.1, 0));
        assertEquals(root + " has only a val/ folder, nothing to train on: add train/<class>/ folders beside it (a "
                + "val/ folder alone is for striate eval)", e.getMessage());
    }

    @Test
    void aFolderOfTrainAloneIsTheTrainingSplit() throws IOException {
        TestImages.png(root.resolve("train/cat/1.png"), 0);
        TestImages.png(root.resolve("train/dog/1.png"), 0);
        DataSource source = Datasets.inspect(root);
        assertEquals(List.of("train"), List.copyOf(source.splits().keySet()));
        assertEquals(List.of("cat", "dog"), source.splits().get("train").classes());
    }

    /** A class that happens to be named val, among other classes, stays a class. */
    @Test
    void aClassNamedValAmongOthersIsAClass() throws IOException {
        TestImages.png(root.resolve("val/1.png"), 0);
        TestImages.png(root.resolve("other/1.png"), 0);
        assertEquals(DatasetLayout.CLASS_FOLDERS, Datasets.layout(root));
        assertEquals(List.of("other", "val"), Datasets.inspect(root).splits().get("all").classes());
    }

    @Test
    void missingDataFolder() {
        Path missing = root.resolve("nowhere");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(missing, 0.1, 0));
        assertTrue(e.getMessage().startsWith("data folder " + missing + " does not exist: pass an image folder"),
                e.getMessage());
    }

    @Test
    void blankDataArgument() {
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(" ", 0.1, 0));
        assertTrue(e.getMessage().startsWith("no data given: pass an image folder"), e.getMessage());
    }

    @Test
    void dataThatIsAFile() throws IOException {
        Path file = Files.writeString(root.resolve("data.txt"), "x");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(file, 0.1, 0));
        assertTrue(e.getMessage().startsWith("data " + file + " is a file, not a folder"), e.getMessage());
    }

    @Test
    void emptyDataFolder() throws IOException {
        Files.writeString(root.resolve(".hidden"), "x");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0.1, 0));
        assertEquals("data folder " + root + " is empty: put class folders in it (" + root.resolve("<class>")
                + "/<images>) or train/ and val/ folders of classes", e.getMessage());
    }

    @Test
    void emptyClassFolder() throws IOException {
        TestImages.png(root.resolve("train/a/1.png"), 0);
        Files.createDirectories(root.resolve("train/b"));
        Files.writeString(root.resolve("train/b/.keep"), "");
        TestImages.png(root.resolve("val/a/1.png"), 0);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0, 0));
        assertEquals("class folder " + root.resolve("train/b") + " is empty: add images to it or remove it",
                e.getMessage());
    }

    @Test
    void validationClassAbsentFromTraining() throws IOException {
        TestImages.png(root.resolve("train/cat/1.png"), 0);
        TestImages.png(root.resolve("train/dog/1.png"), 0);
        TestImages.png(root.resolve("val/cat/1.png"), 0);
        TestImages.png(root.resolve("val/cow/1.png"), 0);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0, 0));
        assertEquals("validation class folder " + root.resolve("val/cow") + " has no training folder of that name; "
                + "training classes: cat, dog (rename or remove it)", e.getMessage());
    }

    @Test
    void imagesWithoutClassFolders() throws IOException {
        TestImages.png(root.resolve("1.png"), 0);
        TestImages.png(root.resolve("2.png"), 0);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0.2, 0));
        assertEquals(root + " holds files but no class folders: put the images in " + root.resolve("<class>")
                + "/ folders, one per class", e.getMessage());
    }

    @Test
    void emptyTrainFolder() throws IOException {
        Files.createDirectories(root.resolve("train"));
        Files.createDirectories(root.resolve("val"));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0, 0));
        assertTrue(e.getMessage().startsWith(root.resolve("train") + " is empty: put the images in"),
                e.getMessage());
    }

    @Test
    void classFoldersNeedAFraction() throws IOException {
        TestImages.png(root.resolve("a/1.png"), 0);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0, 0));
        assertTrue(e.getMessage().startsWith(root + " has no train/ and val/ folders: pass --val-split F"),
                e.getMessage());
        DatasetException bad = assertThrows(DatasetException.class, () -> Datasets.open(root, 1.5, 0));
        assertEquals("--val-split must be a fraction between 0 and 1 (exclusive), got 1.5", bad.getMessage());
    }

    @Test
    void idxWithoutTestFilesNeedsAFraction() throws IOException {
        Files.write(root.resolve("train-images-idx3-ubyte"), IdxTestFiles.images(10, 2, 3));
        Files.write(root.resolve("train-labels-idx1-ubyte"), IdxTestFiles.labels(0, 1, 0, 1, 0, 1, 0, 1, 0, 1));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(root, 0, 0));
        assertTrue(e.getMessage().startsWith("IDX folder " + root + " has no t10k-* files for validation"),
                e.getMessage());
        DatasetSplits splits = Datasets.open(root, 0.4, 7);
        assertEquals(4, splits.val().size());
        assertEquals(6, splits.train().size());
    }

    @Test
    void opensIdxFilesFromTheClassPath() throws Exception {
        Path folder = root.resolve("demo/tiny");
        IdxTestFiles.write(folder, true, new int[] {1, 0, 1}, new int[] {0});
        Files.writeString(folder.resolve("classes.txt"), "left\nright\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            DatasetSplits splits = Datasets.openResource(loader, "demo/tiny");
            assertEquals(3, splits.train().size());
            assertEquals(1, splits.val().size());
            assertEquals(List.of("left", "right"), splits.train().classes());
            assertEquals(IdxTestFiles.pixelOf(2), splits.train().decode(2).sample(0, 0, 0));
            DatasetException e = assertThrows(DatasetException.class,
                    () -> Datasets.openResource(loader, "demo/absent"));
            assertTrue(e.getMessage().startsWith("no IDX training files in class path demo/absent"), e.getMessage());
        }
    }

    @Test
    void namedDataSets() throws IOException {
        DatasetException unknown = assertThrows(DatasetException.class, () -> Datasets.resolveNamed("imagenet"));
        assertEquals("unknown data set name 'imagenet'; known names: fashion-mnist, fashion-mnist-subset",
                unknown.getMessage());
        DatasetException absent = assertThrows(DatasetException.class,
                () -> Datasets.resolveNamed("fashion-mnist", root.resolve("not-installed")));
        assertEquals("fashion-mnist is not installed (expected " + root.resolve("not-installed")
                + "): apt-get install dataset-fashion-mnist, or use fashion-mnist-subset", absent.getMessage());
        assertEquals(root, Datasets.resolveNamed("fashion-mnist", root));
    }

    static List<String> describeAll(Dataset dataset) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < dataset.size(); i++) {
            names.add(dataset.describe(i));
        }
        return names;
    }

    static List<Integer> labels(Dataset dataset) {
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < dataset.size(); i++) {
            labels.add(dataset.label(i));
        }
        return labels;
    }
}
