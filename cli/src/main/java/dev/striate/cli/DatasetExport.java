package dev.striate.cli;

import dev.striate.core.UserException;
import dev.striate.core.data.DataSource;
import dev.striate.core.data.Dataset;
import dev.striate.core.data.DatasetLayout;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.DecodedImage;
import dev.striate.core.data.UnreadableImageException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * {@code striate dataset export-folder IDX_DIR OUT}: an IDX data set written as an image folder of grayscale PNGs,
 * OUT/train/<class>/<index>.png and OUT/val/<class>/<index>.png.
 */
final class DatasetExport {
    private DatasetExport() {
    }

    static int run(String data, Path out, Console console) throws Exception {
        DataSource source = Datasets.inspect(data);
        if (source.layout() != DatasetLayout.IDX) {
            throw new UserException(data + " holds no IDX files (train-images-idx3-ubyte[.gz] and "
                    + "train-labels-idx1-ubyte[.gz]): export-folder converts IDX data; an image folder is used as is");
        }
        prepareEmptyFolder(out);
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, Dataset> split : source.splits().entrySet()) {
            int count = writeSplit(split.getValue(), out.resolve(split.getKey()));
            written.add(count + " " + split.getKey());
        }
        console.out().println("wrote " + String.join(" and ", written) + " images to " + out
                + " (grayscale PNG, one folder per class)");
        return Main.OK;
    }

    /** Refuses a folder that holds anything, so that nothing of the user's is ever overwritten. */
    private static void prepareEmptyFolder(Path out) {
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new UserException(out + " is a file: choose a new or empty folder to export into");
            }
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new UserException(out + " is not empty: choose a new or empty folder (nothing was written)");
                }
            } catch (IOException e) {
                throw new UserException("cannot read " + out + ": " + e.getMessage());
            }
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UserException("cannot create " + out + ": " + e.getMessage() + " (choose a writable folder)");
        }
    }

    private static int writeSplit(Dataset dataset, Path dir) throws IOException, InterruptedException {
        List<String> folders = classFolderNames(dataset.classes());
        for (String folder : folders) {
            Files.createDirectories(dir.resolve(folder));
        }
        int digits = Integer.toString(Math.max(dataset.size() - 1, 0)).length();
        DatasetInfo.inParallel(ForkJoinPool.commonPool(), dataset.size(), i -> writePng(dataset, i,
                dir.resolve(folders.get(dataset.label(i))).resolve(String.format("%0" + digits + "d.png", i))));
        return dataset.size();
    }

    private static void writePng(Dataset dataset, int index, Path file) {
        DecodedImage image;
        try {
            image = dataset.decode(index);
        } catch (UnreadableImageException e) {
            throw new UserException(dataset.describe(index) + " cannot be decoded: " + e.getMessage());
        }
        BufferedImage png = new BufferedImage(image.width(), image.height(),
                image.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        int[] samples = new int[image.pixels().length];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = image.pixels()[i] & 0xFF;
        }
        png.getRaster().setPixels(0, 0, image.width(), image.height(), samples);
        try {
            ImageIO.write(png, "png", file.toFile());
        } catch (IOException e) {
            throw new UserException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /**
     * Folder names for classes: "/" and "\" become "_" (Fashion-MNIST has "T-shirt/top"), a leading "." gets a
     * "_" in front (hidden folders are not read back), and a clash after that keeps the label as a suffix.
     */
    static List<String> classFolderNames(List<String> classes) {
        List<String> names = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (int k = 0; k < classes.size(); k++) {
            String name = classes.get(k).replace('/', '_').replace('\\', '_');
            if (name.startsWith(".") || name.isEmpty()) {
                name = "_" + name;
            }
            if (!taken.add(name)) {
                name = name + "_" + k;
                taken.add(name);
            }
            names.add(name);
        }
        return names;
    }
}
