package dev.striate.core.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens data sets. A data argument is a folder or a name:
 * <ul>
 * <li>{@code ROOT/train/<class>/*} with {@code ROOT/val/<class>/*} (without val/, a fraction of train is held
 * out; a folder holding only val/ is a validation split alone, for evaluation);</li>
 * <li>{@code ROOT/<class>/*}: one folder of classes, split by a fraction with a fixed seed, per class;</li>
 * <li>a folder of IDX files ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, and
 * {@code t10k-*} for validation), with an optional {@code classes.txt} naming the labels;</li>
 * <li>{@code fashion-mnist-subset}: the subset shipped on the class path ({@link #DEMO_SUBSET}), read straight
 * from the jar into memory, no extraction; {@code fashion-mnist}: the full set of the Debian package
 * dataset-fashion-mnist. A folder of that name in the working directory wins over the name.</li>
 * </ul>
 * Classes are the sorted class-folder names; files and folders whose names start with "." are ignored. Files
 * are recognised as images by content when decoded, so an unreadable file is found (and skipped) then.
 */
public final class Datasets {
    /** Class-path folder of the Fashion-MNIST subset that {@code striate demo} trains on. */
    public static final String DEMO_SUBSET = "demo/fashion-mnist-subset";
    public static final String DEMO_SUBSET_NAME = "fashion-mnist-subset";
    public static final String FASHION_MNIST_NAME = "fashion-mnist";
    /** Where the Debian package dataset-fashion-mnist installs the full data set. */
    public static final Path FASHION_MNIST_PATH = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final String EXPECTED = "an image folder (ROOT/<class>/*, or ROOT/train/<class>/* and "
            + "ROOT/val/<class>/*), a folder of IDX files, or the name " + DEMO_SUBSET_NAME + " or "
            + FASHION_MNIST_NAME;

    private Datasets() {
    }

    /** Training and validation data of a folder (see the class comment); {@code valSplit} 0 means none. */
    public static DatasetSplits open(Path root, double valSplit, long seed) {
        return DatasetSplitter.splits(inspect(root), valSplit, seed);
    }

    /** Training and validation data of a folder or a name (see the class comment). */
    public static DatasetSplits open(String data, double valSplit, long seed) {
        return DatasetSplitter.splits(inspect(data), valSplit, seed);
    }

    /** The Fashion-MNIST subset shipped on the class path: 15,000 training and 2,500 test images. */
    public static DatasetSplits openDemoSubset() {
        return openResource(DEMO_SUBSET);
    }

    /** IDX files in a class-path folder, read into memory (works inside a jar); t10k-* is the validation part. */
    public static DatasetSplits openResource(String folder) {
        return openResource(Datasets.class.getClassLoader(), folder);
    }

    public static DatasetSplits openResource(ClassLoader loader, String folder) {
        return DatasetSplitter.splits(IdxSources.resource(loader, folder), 0, 0);
    }

    /** The path of a named data set: {@code fashion-mnist} is the Debian package's folder, if installed. */
    public static Path resolveNamed(String name) {
        return resolveNamed(name, FASHION_MNIST_PATH);
    }

    static Path resolveNamed(String name, Path installedAt) {
        if (!name.equals(FASHION_MNIST_NAME)) {
            throw new DatasetException("unknown data set name '" + name + "'; known names: " + FASHION_MNIST_NAME
                    + ", " + DEMO_SUBSET_NAME);
        }
        if (!Files.isDirectory(installedAt)) {
            throw new DatasetException("fashion-mnist is not installed (expected " + installedAt
                    + "): apt-get install dataset-fashion-mnist, or use " + DEMO_SUBSET_NAME);
        }
        return installedAt;
    }

    /** The data as stored (see {@link DataSource}): a folder, or a name. */
    public static DataSource inspect(String data) {
        if (data.isBlank()) {
            throw new DatasetException("no data given: pass " + EXPECTED);
        }
        Path path;
        try {
            path = Path.of(data);
        } catch (InvalidPathException e) {
            throw new DatasetException("data '" + data + "' is not a valid path: pass " + EXPECTED);
        }
        if (!Files.exists(path)) {
            if (data.equals(DEMO_SUBSET_NAME)) {
                return IdxSources.resource(Datasets.class.getClassLoader(), DEMO_SUBSET);
            }
            if (data.equals(FASHION_MNIST_NAME)) {
                return IdxSources.folder(resolveNamed(data), FASHION_MNIST_CLASSES);
            }
        }
        return inspect(path);
    }

    /** The data of a folder as stored (see {@link DataSource}). */
    public static DataSource inspect(Path root) {
        checkRoot(root);
        return switch (layout(root)) {
            case IDX -> IdxSources.folder(root, null);
            case TRAIN_VAL -> ImageFolders.splits(root);
            case CLASS_FOLDERS -> ImageFolders.classes(root);
        };
    }

    /**
     * How a folder is arranged: IDX files; train/ and val/ folders (either alone, val/ when it is the only
     * folder); or class folders.
     */
    public static DatasetLayout layout(Path root) {
        for (String name : IdxFiles.candidateNames("train", "images-idx3")) {
            if (Files.isRegularFile(root.resolve(name))) {
                return DatasetLayout.IDX;
            }
        }
        return ImageFolders.isSplitLayout(root) ? DatasetLayout.TRAIN_VAL : DatasetLayout.CLASS_FOLDERS;
    }

    /**
     * Holds out {@code valSplit} of each class (rounded, at least one image left for training) for validation,
     * chosen by a shuffle seeded from {@code seed}: the same split for the same seed. Both parts keep the
     * original order.
     */
    public static DatasetSplits split(Dataset all, double valSplit, long seed) {
        return DatasetSplitter.split(all, valSplit, seed);
    }

    private static void checkRoot(Path root) {
        if (!Files.exists(root)) {
            throw new DatasetException("data folder " + root + " does not exist: pass " + EXPECTED);
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetException("data " + root + " is a file, not a folder: pass " + EXPECTED);
        }
        if (ImageFolders.visibleEntries(root).isEmpty()) {
            throw new DatasetException("data folder " + root + " is empty: put class folders in it ("
                    + root.resolve("<class>") + "/<images>) or train/ and val/ folders of classes");
        }
    }
}
