package dev.striate.core.data;

import java.nio.file.Path;
import java.util.List;

/** Image files with one label each, found by {@link Datasets} in class folders; decoded on demand. */
final class FolderDataset implements Dataset {
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;

    FolderDataset(List<String> classes, List<Path> files, int[] labels) {
        if (files.size() != labels.length) {
            throw new IllegalArgumentException(files.size() + " files but " + labels.length + " labels");
        }
        this.classes = List.copyOf(classes);
        this.files = List.copyOf(files);
        this.labels = labels.clone();
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public String describe(int index) {
        return files.get(index).toString();
    }

    @Override
    public DecodedImage decode(int index) throws UnreadableImageException {
        return ImageDecoder.decode(files.get(index));
    }

    @Override
    public EncodedImage read(int index) throws UnreadableImageException {
        return EncodedImage.open(files.get(index));
    }
}
