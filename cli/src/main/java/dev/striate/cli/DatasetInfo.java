package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.data.DataSource;
import dev.striate.core.data.Dataset;
import dev.striate.core.data.DatasetLayout;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.UnreadableImageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * {@code striate dataset info DIR}: classes, images per class and split, and the files that cannot be decoded
 * (every file is decoded, on several threads).
 */
final class DatasetInfo {
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    /** A file that could not be decoded, in the split it belongs to. */
    private record Unreadable(String split, String file, String reason) {
    }

    private DatasetInfo() {
    }

    static int run(String data, int workers, boolean json, Console console) throws Exception {
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
    static void inParallel(ForkJoinPool pool, int count, IntConsumer task) throws InterruptedException {
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
}
