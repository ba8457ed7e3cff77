package dev.striate.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Opens data sets. A data argument is a folder or a name:
 * <ul>
 * <li>{@code ROOT/train/<class>/*} with {@code ROOT/val/<class>/*} (without val/, a fraction of train is held
 * out);</li>
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
        return splits(inspect(root), valSplit, seed);
    }

    /** Training and validation data of a folder or a name (see the class comment). */
    public static DatasetSplits open(String data, double valSplit, long seed) {
        return splits(inspect(data), valSplit, seed);
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
        return splits(inspectResource(loader, folder), 0, 0);
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
                return inspectResource(Datasets.class.getClassLoader(), DEMO_SUBSET);
            }
            if (data.equals(FASHION_MNIST_NAME)) {
                Path installed = resolveNamed(data);
                return new DataSource(installed.toString(), DatasetLayout.IDX, idx(installed.toString(),
                        name -> readFile(installed.resolve(name)), FASHION_MNIST_CLASSES));
            }
        }
        return inspect(path);
    }

    /** The data of a folder as stored (see {@link DataSource}). */
    public static DataSource inspect(Path root) {
        checkRoot(root);
        String location = root.toString();
        return switch (layout(root)) {
            case IDX -> new DataSource(location, DatasetLayout.IDX, idx(location, name -> readFile(root.resolve(name)),
                    null));
            case TRAIN_VAL -> {
                Map<String, Dataset> parts = new LinkedHashMap<>();
                Dataset train = classFolders(root.resolve("train"), null);
                parts.put("train", train);
                if (Files.isDirectory(root.resolve("val"))) {
                    parts.put("val", classFolders(root.resolve("val"), train.classes()));
                }
                yield new DataSource(location, DatasetLayout.TRAIN_VAL, parts);
            }
            case CLASS_FOLDERS -> new DataSource(location, DatasetLayout.CLASS_FOLDERS,
                    Map.of("all", classFolders(root, null)));
        };
    }

    /** How a folder is arranged: IDX files, train/ (and val/) folders, or class folders. */
    public static DatasetLayout layout(Path root) {
        for (String name : IdxFiles.candidateNames("train", "images-idx3")) {
            if (Files.isRegularFile(root.resolve(name))) {
                return DatasetLayout.IDX;
            }
        }
        return Files.isDirectory(root.resolve("train")) ? DatasetLayout.TRAIN_VAL : DatasetLayout.CLASS_FOLDERS;
    }

    /**
     * Holds out {@code valSplit} of each class (rounded, at least one image left for training) for validation,
     * chosen by a shuffle seeded from {@code seed}: the same split for the same seed. Both parts keep the
     * original order.
     */
    public static DatasetSplits split(Dataset all, double valSplit, long seed) {
        checkFraction(valSplit);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < all.classes().size(); k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            byClass.get(all.label(i)).add(i);
        }
        boolean[] held = new boolean[all.size()];
        for (int k = 0; k < byClass.size(); k++) {
            List<Integer> members = byClass.get(k);
            int[] shuffled = members.stream().mapToInt(Integer::intValue).toArray();
            Loader.shuffle(shuffled, Seeds.mix(seed, Seeds.SPLIT, k));
            int valCount = Math.min((int) Math.round(members.size() * valSplit), members.size() - 1);
            for (int j = 0; j < valCount; j++) {
                held[shuffled[j]] = true;
            }
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        for (int i = 0; i < held.length; i++) {
            (held[i] ? val : train).add(i);
        }
        return new DatasetSplits(new SubsetDataset(all, train.stream().mapToInt(Integer::intValue).toArray()),
                new SubsetDataset(all, val.stream().mapToInt(Integer::intValue).toArray()));
    }

    private static DatasetSplits splits(DataSource source, double valSplit, long seed) {
        Map<String, Dataset> parts = source.splits();
        if (parts.containsKey("val")) {
            return new DatasetSplits(parts.get("train"), parts.get("val"));
        }
        if (!(valSplit > 0)) {
            String what = switch (source.layout()) {
                case IDX -> "IDX folder " + source.location() + " has no t10k-* files for validation";
                case TRAIN_VAL -> source.location() + " has train/ but no val/ folder";
                case CLASS_FOLDERS -> source.location() + " has no train/ and val/ folders";
            };
            throw new DatasetException(what + ": pass --val-split F (0 < F < 1) to hold out a fraction of the "
                    + "images for validation");
        }
        return split(parts.containsKey("train") ? parts.get("train") : parts.get("all"), valSplit, seed);
    }

    private static void checkFraction(double valSplit) {
        if (!(valSplit > 0 && valSplit < 1)) {
            throw new DatasetException("--val-split must be a fraction between 0 and 1 (exclusive), got " + valSplit);
        }
    }

    private static void checkRoot(Path root) {
        if (!Files.exists(root)) {
            throw new DatasetException("data folder " + root + " does not exist: pass " + EXPECTED);
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetException("data " + root + " is a file, not a folder: pass " + EXPECTED);
        }
        if (visibleEntries(root).isEmpty()) {
            throw new DatasetException("data folder " + root + " is empty: put class folders in it ("
                    + root.resolve("<class>") + "/<images>) or train/ and val/ folders of classes");
        }
    }

    private static DataSource inspectResource(ClassLoader loader, String folder) {
        String location = "class path " + folder;
        Map<String, Dataset> parts = idx(location, name -> {
            try (InputStream in = loader.getResourceAsStream(folder + "/" + name)) {
                return in == null ? null : IdxFiles.readAll(in, folder + "/" + name);
            } catch (IOException e) {
                throw new DatasetException("cannot read " + folder + "/" + name + " from the class path: "
                        + e.getMessage(), e);
            }
        }, null);
        return new DataSource(location, DatasetLayout.IDX, parts);
    }

    /**
     * "train" (and "val" from t10k-*) of IDX files that {@code files} returns by name (null when absent).
     * {@code classes} null: from classes.txt if present, else digits.
     */
    private static Map<String, Dataset> idx(String location, Function<String, byte[]> files, List<String> classes) {
        if (classes == null) {
            byte[] text = files.apply("classes.txt");
            classes = text == null ? null : IdxFiles.parseClasses(text, location + "/classes.txt");
        }
        Map<String, Dataset> parts = new LinkedHashMap<>();
        IdxDataset train = idxPart(location, files, "train", classes);
        if (train == null) {
            throw new DatasetException("no IDX training files in " + location + ": expected "
                    + IdxFiles.candidateNames("train", "images-idx3").getFirst() + " and "
                    + IdxFiles.candidateNames("train", "labels-idx1").getFirst());
        }
        parts.put("train", train);
        IdxDataset val = idxPart(location, files, "t10k", train.classes());
        if (val != null) {
            parts.put("val", val);
        }
        return parts;
    }

    private static IdxDataset idxPart(String location, Function<String, byte[]> files, String split,
            List<String> classes) {
        String imagesName = null;
        byte[] images = null;
        for (String name : IdxFiles.candidateNames(split, "images-idx3")) {
            images = files.apply(name);
            if (images != null) {
                imagesName = name;
                break;
            }
        }
        if (images == null) {
            return null;
        }
        for (String name : IdxFiles.candidateNames(split, "labels-idx1")) {
            byte[] labels = files.apply(name);
            if (labels != null) {
                return IdxFiles.dataset(location + "/" + imagesName, images, location + "/" + name, labels, classes);
            }
        }
        throw new DatasetException(location + " has " + imagesName + " but no labels for it: add "
                + IdxFiles.candidateNames(split, "labels-idx1").getFirst());
    }

    private static byte[] readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return IdxFiles.readAll(in, file.toString());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The images under {@code dir/<class>/}, labelled by class. {@code trainClasses} non-null: a validation
     * folder, whose classes must all be training classes and whose labels are training-class indices.
     */
    private static Dataset classFolders(Path dir, List<String> trainClasses) {
        List<Path> classDirs = visibleEntries(dir).stream().filter(Files::isDirectory).toList();
        if (classDirs.isEmpty()) {
            throw new DatasetException(dir + (visibleEntries(dir).isEmpty() ? " is empty" : " holds files but no "
                    + "class folders") + ": put the images in " + dir.resolve("<class>") + "/ folders, one per class");
        }
        List<String> names = classDirs.stream().map(p -> p.getFileName().toString()).toList();
        List<String> classes = trainClasses == null ? names : trainClasses;
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < classDirs.size(); k++) {
            int label = classes.indexOf(names.get(k));
            if (label < 0) {
                throw new DatasetException("validation class folder " + classDirs.get(k) + " has no training folder "
                        + "of that name; training classes: " + String.join(", ", classes)
                        + " (rename or remove it)");
            }
            List<Path> images = imageCandidates(classDirs.get(k));
            if (images.isEmpty()) {
                throw new DatasetException("class folder " + classDirs.get(k) + " is empty: add images to it or "
                        + "remove it");
            }
            for (Path image : images) {
                files.add(image);
                labels.add(label);
            }
        }
        return new FolderDataset(classes, files, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Every visible regular file below a class folder (links followed), sorted by path for a stable order. */
    private static List<Path> imageCandidates(Path classDir) {
        try (Stream<Path> walk = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(p -> !isHidden(classDir.relativize(p)) && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException("cannot list the images in " + classDir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Entries of a folder whose names do not start with ".", sorted by name. */
    private static List<Path> visibleEntries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
