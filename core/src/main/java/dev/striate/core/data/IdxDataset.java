package dev.striate.core.data;

import java.util.Arrays;
import java.util.List;

/** An IDX image file and its label file, held in memory (Fashion-MNIST's 60,000 images are 47 MB). */
final class IdxDataset implements Dataset {
    private final String name;
    private final List<String> classes;
    private final byte[] pixels;
    private final byte[] labels;
    private final int rows;
    private final int columns;

    /** {@code pixels} holds {@code labels.length} images of rows x columns bytes, one after another. */
    IdxDataset(String name, List<String> classes, byte[] pixels, byte[] labels, int rows, int columns) {
        if ((long) labels.length * rows * columns != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel bytes do not hold " + labels.length
                    + " images of " + rows + "x" + columns);
        }
        this.name = name;
        this.classes = List.copyOf(classes);
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.columns = columns;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int index) {
        return labels[index] & 0xFF;
    }

    @Override
    public String describe(int index) {
        return name + "#" + index;
    }

    @Override
    public DecodedImage decode(int index) {
        int imageBytes = rows * columns;
        return new DecodedImage(rows, columns, 1,
                Arrays.copyOfRange(pixels, index * imageBytes, (index + 1) * imageBytes));
    }
}
