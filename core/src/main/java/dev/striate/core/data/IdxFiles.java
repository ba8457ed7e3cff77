package dev.striate.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, an element type, the number
 * of dimensions, one 32-bit size per dimension) followed by the elements. Images are {@code count x rows x
 * columns} unsigned bytes, labels {@code count} unsigned bytes. Files may be gzipped (recognised by content).
 */
final class IdxFiles {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxFiles() {
    }

    /** The names a file may have: {@code train-images-idx3-ubyte}, {@code train-images.idx3-ubyte}, each .gz. */
    static List<String> candidateNames(String split, String kind) {
        String dashed = split + "-" + kind + "-ubyte";
        String dotted = split + "-" + kind.replace("-idx", ".idx") + "-ubyte";
        return List.of(dashed + ".gz", dashed, dotted + ".gz", dotted);
    }

    /** All bytes of {@code in}, gunzipped when they start with the gzip magic number. */
    static byte[] readAll(InputStream in, String name) {
        try (BufferedInputStream buffered = new BufferedInputStream(in)) {
            buffered.mark(2);
            int first = buffered.read();
            int second = buffered.read();
            buffered.reset();
            if (first == 0x1F && second == 0x8B) {
                try (GZIPInputStream gunzip = new GZIPInputStream(buffered)) {
                    return gunzip.readAllBytes();
                }
            }
            return buffered.readAllBytes();
        } catch (IOException e) {
            throw new DatasetException("cannot read IDX file " + name + ": " + e.getMessage()
                    + " (a damaged download? fetch the file again)", e);
        }
    }

    /**
     * The images of {@code imagesFile} with the labels of {@code labelsFile}. {@code classes} null means
     * digits "0".."9" (more if a label is larger), as in MNIST.
     */
    static IdxDataset dataset(String imagesName, byte[] imagesFile, String labelsName, byte[] labelsFile,
            List<String> classes) {
        int[] imageDims = header(imagesName, imagesFile, 3);
        int[] labelDims = header(labelsName, labelsFile, 1);
        int count = imageDims[0];
        int rows = imageDims[1];
        int columns = imageDims[2];
        if (rows < 1 || columns < 1) {
            throw new DatasetException("IDX file " + imagesName + " declares images of " + rows + "x" + columns
                    + " pixels; it is damaged: fetch it again");
        }
        long expectedImageBytes = 16 + (long) count * rows * columns;
        if (imagesFile.length != expectedImageBytes) {
            throw new DatasetException("IDX file " + imagesName + " is " + imagesFile.length + " bytes but its header"
                    + " declares " + count + " images of " + rows + "x" + columns + " (" + expectedImageBytes
                    + " bytes): it is truncated or damaged, fetch it again");
        }
        if (labelDims[0] != count) {
            throw new DatasetException("IDX files " + imagesName + " and " + labelsName + " disagree: " + count
                    + " images but " + labelDims[0] + " labels; use the label file that belongs to the images");
        }
        if (labelsFile.length != 8 + (long) count) {
            throw new DatasetException("IDX file " + labelsName + " is " + labelsFile.length + " bytes but declares "
                    + count + " labels: it is truncated or damaged, fetch it again");
        }
        byte[] labels = new byte[count];
        System.arraycopy(labelsFile, 8, labels, 0, count);
        int maxLabel = -1;
        for (byte label : labels) {
            maxLabel = Math.max(maxLabel, label & 0xFF);
        }
        List<String> names = classes != null ? classes : digits(Math.max(10, maxLabel + 1));
        if (maxLabel >= names.size()) {
            throw new DatasetException("IDX file " + labelsName + " holds label " + maxLabel + " but there are only "
                    + names.size() + " class names; add the missing names to classes.txt");
        }
        byte[] pixels = new byte[count * rows * columns];
        System.arraycopy(imagesFile, 16, pixels, 0, pixels.length);
        return new IdxDataset(imagesName, names, pixels, labels, rows, columns);
    }

    /** Class names from a classes.txt: one per line, in label order; blank lines ignored. */
    static List<String> parseClasses(byte[] text, String name) {
        List<String> classes = new ArrayList<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\\R")) {
            if (!line.isBlank()) {
                classes.add(line.strip());
            }
        }
        if (classes.isEmpty()) {
            throw new DatasetException(name + " names no classes: write one class name per line, in label order");
        }
        if (new HashSet<>(classes).size() != classes.size()) {
            throw new DatasetException(name + " names a class twice: each line must be a different class");
        }
        return classes;
    }

    /** The dimension sizes of an IDX file with {@code dims} dimensions of unsigned bytes. */
    private static int[] header(String name, byte[] file, int dims) {
        if (file.length < 4 || file[0] != 0 || file[1] != 0) {
            throw new DatasetException(name + " is not an IDX file (no IDX header); expected MNIST-style "
                    + (dims == 3 ? "images" : "labels"));
        }
        if (file[2] != UNSIGNED_BYTE) {
            throw new DatasetException("IDX file " + name + " holds elements of type 0x"
                    + Integer.toHexString(file[2] & 0xFF) + "; only unsigned bytes (0x08) are supported");
        }
        if (file[3] != dims) {
            throw new DatasetException("IDX file " + name + " has " + file[3] + " dimensions, expected " + dims
                    + (dims == 3 ? " (images)" : " (labels)") + "; are the image and label files swapped?");
        }
        if (file.length < 4 + 4 * dims) {
            throw new DatasetException("IDX file " + name + " ends inside its header: it is truncated, fetch it again");
        }
        int[] sizes = new int[dims];
        for (int d = 0; d < dims; d++) {
            int at = 4 + 4 * d;
            sizes[d] = ((file[at] & 0xFF) << 24) | ((file[at + 1] & 0xFF) << 16) | ((file[at + 2] & 0xFF) << 8)
                    | (file[at + 3] & 0xFF);
            if (sizes[d] < 0) {
                throw new DatasetException("IDX file " + name + " declares a negative size; it is damaged");
            }
        }
        return sizes;
    }

    private static List<String> digits(int count) {
        List<String> names = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            names.add(Integer.toString(k));
        }
        return names;
    }
}
