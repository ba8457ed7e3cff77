package dev.striate.core.data;

import dev.striate.core.FileNames;
import dev.striate.core.FileProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Folders of images in class folders: {@code ROOT/<class>/*}, or the splits {@code ROOT/train/<class>/*} and
 * {@code ROOT/val/<class>/*} (either alone is read as that split). Classes are the sorted class-folder names;
 * files and folders whose names start with "." are ignored.
 */
final class ImageFolders {
    private ImageFolders() {
    }

    /** The splits of a folder whose layout is {@link DatasetLayout#TRAIN_VAL}: train/, val/, or both. */
    static DataSource splits(Path root) {
        Map<String, Dataset> parts = new LinkedHashMap<>();
        List<String> trainClasses = null;
        if (Files.isDirectory(root.resolve("train"))) {
            Dataset train = classFolders(root.resolve("train"), null);
            trainClasses = train.classes();
            parts.put("train", train);
        }
        if (Files.isDirectory(root.resolve("val"))) {
            parts.put("val", classFolders(root.resolve("val"), trainClasses));
        }
        return new DataSource(root.toString(), DatasetLayout.TRAIN_VAL, parts);
    }

    /** One folder of classes. */
    static DataSource classes(Path root) {
        return new DataSource(root.toString(), DatasetLayout.CLASS_FOLDERS, Map.of("all", classFolders(root, null)));
    }

    /** A train/ folder, or a val/ folder that is the only folder: the split layout; class folders otherwise. */
    static boolean isSplitLayout(Path root) {
        if (Files.isDirectory(root.resolve("train"))) {
            return true;
        }
        List<Path> folders = visibleEntries(root).stream().filter(Files::isDirectory).toList();
        return folders.size() == 1 && folders.getFirst().getFileName().toString().equals("val");
    }

    /**
     * The images under {@code dir/<class>/}, labelled by class. {@code trainClasses} non-null: a validation
     * folder, whose classes must all be training classes and whose labels are training-class indices.
     */
    static Dataset classFolders(Path dir, List<String> trainClasses) {
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
            throw new DatasetException("cannot list the images in " + FileNames.quoted(classDir) + ": "
                    + listingProblem(e), e);
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
    static List<Path> visibleEntries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException("cannot list " + FileNames.quoted(dir) + ": " + listingProblem(e), e);
        }
    }

    /** Why a folder could not be listed (permission denied, ...); a stream's walk wraps it in UncheckedIOException. */
    private static String listingProblem(Exception e) {
        return FileProblems.reason(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
    }
}
