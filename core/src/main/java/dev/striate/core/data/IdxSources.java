package dev.striate.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Data sets of IDX files (MNIST-style), from a folder or the class path: train-* and, for validation, t10k-*. */
final class IdxSources {
    private IdxSources() {
    }

    /** The IDX files of a folder, with {@code classes} (null: from classes.txt if present, else digits). */
    static DataSource folder(Path root, List<String> classes) {
        return new DataSource(root.toString(), DatasetLayout.IDX, idx(root.toString(),
                name -> readFile(root.resolve(name)), classes));
    }

    static DataSource resource(ClassLoader loader, String folder) {
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
}
