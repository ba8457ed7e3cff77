package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code striate dataset info DIR}: classes, images per class and split, and the files that cannot be decoded
 * (every file is decoded). {@code striate dataset export-folder IDX_DIR OUT}: an IDX data set written as an
 * image folder of grayscale PNGs, OUT/train/<class>/<index>.png and OUT/val/<class>/<index>.png.
 */
final class DatasetCommand implements Command {
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    /** A file that could not be decoded, in the split it belongs to. */
    private record Unreadable(String split, String file, String reason) {
    }

    @Override
    public String name() {
        return "dataset";
    }

    @Override
    public String summary() {
        return "inspect a data set (info) or write an IDX set as an image folder (export-folder)";
    }

    @Override
    public String usage() {
        return "info DIR [--json] [--workers N] | export-folder IDX_DIR OUT   (DIR may also be fashion-mnist-subset"
                + " or fashion-mnist)";
    }

    @Override
    public Options options() {
        return CommonOptions.addWorkers(CommonOptions.addJson(new Options()));
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        List<String> args = line.getArgList();
        if (args.isEmpty()) {
            throw new UserException("missing subcommand: info DIR or export-folder IDX_DIR OUT");
        }
        return switch (args.getFirst()) {
            case "info" -> {
                requireArguments(args, 2, "info DIR");
                yield info(args.get(1), CommonOptions.workers(line), CommonOptions.json(line), console);
            }
            case "export-folder" -> {
                requireArguments(args, 3, "export-folder IDX_DIR OUT");
                yield exportFolder(args.get(1), Path.of(args.get(2)), console);
            }
            default -> throw new UserException("unknown subcommand '" + args.getFirst()
                    + "'; subcommands: info, export-folder");
        };
    }

    private static void requireArguments(List<String> args, int count, String usage) {
        if (args.size() != count) {
            throw new UserException("expected " + usage + ", got " + String.join(" ", args));
        }
    }

    private int info(String data, int workers, boolean json, Console console) throws Exception {
        DataSource source = Datasets.inspect(data);
        List<String> classes = source.splits().values().iterator().next().classes();
        int total = source.splits().values().stream().mapToInt(Dataset::size).sum();
        List<Unreadable> unreadable = decodeAll(source, workers, total, console);
        if (json) {
            printJson(source, classes, unreadable, console);
        } else {
            printTable(source, classes, unreadable, console);
        }
        return Main.OK;
    }

    /** Decodes every item of every split on {@code workers} threads; returns the failures, sorted by file. */
    private static List<Unreadable> decodeAll(DataSource source, int workers, int total, Console console)
            throws InterruptedException {
        ConcurrentLinkedQueue<Unreadable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        AtomicLong lastReport = new AtomicLong(System.nanoTime());
        ForkJoinPool pool = new ForkJoinPool(workers);
        try {
            for (Map.Entry<String, Dataset> split : source.splits().entrySet()) {
                Dataset dataset = split.getValue();
                inParallel(pool, dataset.size(), i -> {
                    try {
                        dataset.decode(i);
                    } catch (UnreadableImageException e) {
                        failures.add(new Unreadable(split.getKey(), dataset.describe(i), e.getMessage()));
                    }
                    int count = done.incrementAndGet();
                    long last = lastReport.get();
                    long now = System.nanoTime();
                    if (now - last > PROGRESS_EVERY_NANOS && lastReport.compareAndSet(last, now)) {
                        console.err().printf("dataset info: decoded %d of %d files%n", count, total);
                    }
                });
            }
        } finally {
            pool.shutdown();
        }
        List<Unreadable> sorted = new ArrayList<>(failures);
        sorted.sort(Comparator.comparing(Unreadable::file));
        return sorted;
    }

    /** Runs {@code task} for 0..count-1 on {@code pool}; an exception of a task is rethrown as it was. */
    private static void inParallel(ForkJoinPool pool, int count, IntConsumer task) throws InterruptedException {
        try {
            pool.submit(() -> IntStream.range(0, count).parallel().forEach(task)).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static int[] perClass(Dataset dataset, int classes) {
        int[] counts = new int[classes];
        for (int i = 0; i < dataset.size(); i++) {
            counts[dataset.label(i)]++;
        }
        return counts;
    }

    private static String layoutWords(DatasetLayout layout) {
        return switch (layout) {
            case IDX -> "IDX files; val is t10k";
            case TRAIN_VAL -> "train/ and val/ folders of classes";
            case CLASS_FOLDERS -> "one folder of classes; train with --val-split F to hold out validation images";
        };
    }

    private static void printTable(DataSource source, List<String> classes, List<Unreadable> unreadable,
            Console console) {
        console.out().println("data: " + source.location() + " (" + layoutWords(source.layout()) + ")");
        console.out().println("classes: " + classes.size());
        int width = Math.max(5, classes.stream().mapToInt(String::length).max().orElse(5));
        List<String> splits = List.copyOf(source.splits().keySet());
        List<int[]> counts = new ArrayList<>();
        StringBuilder header = new StringBuilder(String.format("%-" + width + "s", "class"));
        for (String split : splits) {
            header.append(String.format("  %8s", split));
            counts.add(perClass(source.splits().get(split), classes.size()));
        }
        console.out().println(header);
        for (int k = 0; k < classes.size(); k++) {
            StringBuilder row = new StringBuilder(String.format("%-" + width + "s", classes.get(k)));
            for (int[] count : counts) {
                row.append(String.format("  %8d", count[k]));
            }
            console.out().println(row);
        }
        StringBuilder totals = new StringBuilder(String.format("%-" + width + "s", "total"));
        for (String split : splits) {
            totals.append(String.format("  %8d", source.splits().get(split).size()));
        }
        console.out().println(totals);
        console.out().println("unreadable files: " + unreadable.size());
        for (Unreadable u : unreadable) {
            console.out().println("  " + u.file() + ": " + u.reason());
        }
    }

    private static void printJson(DataSource source, List<String> classes, List<Unreadable> unreadable,
            Console console) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("data", source.location());
        root.put("layout", source.layout().name().toLowerCase(Locale.ROOT));
        classes.forEach(root.putArray("classes")::add);
        ObjectNode splits = root.putObject("splits");
        for (Map.Entry<String, Dataset> split : source.splits().entrySet()) {
            ObjectNode node = splits.putObject(split.getKey());
            node.put("images", split.getValue().size());
            ObjectNode perClass = node.putObject("perClass");
            int[] counts = perClass(split.getValue(), classes.size());
            for (int k = 0; k < classes.size(); k++) {
                perClass.put(classes.get(k), counts[k]);
            }
        }
        ArrayNode bad = root.putArray("unreadable");
        for (Unreadable u : unreadable) {
            bad.addObject().put("split", u.split()).put("file", u.file()).put("reason", u.reason());
        }
        console.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    private int exportFolder(String data, Path out, Console console) throws Exception {
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
        inParallel(ForkJoinPool.commonPool(), dataset.size(), i -> writePng(dataset, i,
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
