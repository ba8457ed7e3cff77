package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.data.Batch;
import dev.striate.core.data.DataSource;
import dev.striate.core.data.Dataset;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.ImageDecoder;
import dev.striate.core.data.Loader;
import dev.striate.core.data.LoaderStatistics;
import dev.striate.core.data.TransformPipeline;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code striate dataset bench DIR}: the loader alone, as training uses it (shuffled, augmented, batched on worker
 * threads), with no model: images per second of each epoch, the median of the epochs after the first (a warm-up:
 * JIT, page cache), where the workers' time went per image (read, decode, augment, batch), and which decoder
 * decoded the images. The same measurement as {@code shared/bench/torch_loader_bench.py} makes of torchvision's
 * DataLoader, to compare the two side by side.
 */
final class DatasetBench {
    static final int DEFAULT_BATCH = 64;
    static final int DEFAULT_EPOCHS = 4;
    private static final int SIZE = 224;
    private static final long SEED = 0;

    /** The command's options. */
    record Settings(int workers, String transforms, int batch, int epochs) {
    }

    private DatasetBench() {
    }

    static int run(String data, Settings settings, boolean json, Console console) throws IOException {
        TransformPipeline pipeline = switch (settings.transforms()) {
            case "imagenet" -> TransformPipeline.train(3, SIZE, SIZE);
            case "plain" -> TransformPipeline.plain(3, SIZE, SIZE);
            default -> throw new UserException("--transforms must be imagenet or plain, got '"
                    + settings.transforms() + "'");
        };
        Dataset dataset = trainingPart(Datasets.inspect(data));
        List<Double> rates = new ArrayList<>();
        LoaderStatistics.Snapshot stages;
        try (Loader loader = new Loader(dataset, pipeline, settings.batch(), true, false, settings.workers(), SEED)) {
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                if (epoch == 1) {
                    loader.statistics().reset();
                }
                long start = System.nanoTime();
                long images = 0;
                Iterator<Batch> batches = loader.epoch(epoch, 0);
                while (batches.hasNext()) {
                    images += batches.next().size();
                }
                rates.add(images / ((System.nanoTime() - start) / 1e9));
                if (!json) {
                    console.err().printf(Locale.ROOT, "epoch %d: %.1f images/s%s%n", epoch + 1, rates.getLast(),
                            epoch == 0 && settings.epochs() > 1 ? " (warm-up)" : "");
                }
            }
            stages = loader.statistics().snapshot();
        }
        double median = median(settings.epochs() > 1 ? rates.subList(1, rates.size()) : rates);
        if (json) {
            printJson(data, dataset.size(), settings, rates, median, stages, console);
        } else {
            printText(data, dataset.size(), settings, median, stages, console);
        }
        return Main.OK;
    }

    /** What training would load: train/ (or all class folders); a folder of val/ alone is timed as it is. */
    private static Dataset trainingPart(DataSource source) {
        Map<String, Dataset> parts = source.splits();
        for (String name : List.of("train", "all", "val")) {
            if (parts.containsKey(name)) {
                return parts.get(name);
            }
        }
        throw new UserException(source.location() + " holds no images to load");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void printText(String data, int images, Settings settings, double median,
            LoaderStatistics.Snapshot stages, Console console) {
        console.out().printf(Locale.ROOT, "data: %s (%d images), %s transforms at %dx%d, batch %d, %d workers%n",
                data, images, settings.transforms(), SIZE, SIZE, settings.batch(), settings.workers());
        console.out().printf(Locale.ROOT, "loader: %.1f images/s (median of epochs %s)%n", median,
                settings.epochs() > 1 ? "2-" + settings.epochs() : "1");
        double total = stages.readNanos() + stages.decodeNanos() + stages.augmentNanos() + stages.batchNanos();
        StringBuilder line = new StringBuilder("worker time per image:");
        for (Map.Entry<String, Long> stage : stageNanos(stages).entrySet()) {
            line.append(String.format(Locale.ROOT, "  %s %.3f ms (%.0f%%)", stage.getKey(),
                    stage.getValue() / 1e6 / Math.max(stages.images(), 1), 100 * stage.getValue() / Math.max(total, 1)));
        }
        console.out().println(line);
        StringBuilder decoders = new StringBuilder("decoded by:");
        stages.decoders().forEach((name, count) -> decoders.append(' ').append(name).append(' ').append(count));
        console.out().println(decoders + "  (" + ImageDecoder.jpegDecoderNotice() + ")");
    }

    private static void printJson(String data, int images, Settings settings, List<Double> rates, double median,
            LoaderStatistics.Snapshot stages, Console console) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("framework", "striate Loader");
        root.put("data", data);
        root.put("images", images);
        root.put("workers", settings.workers());
        root.put("batch", settings.batch());
        root.put("transforms", settings.transforms());
        root.put("images_per_s", Math.round(median * 10) / 10.0);
        rates.forEach(rate -> root.withArray("per_epoch").add(Math.round(rate * 10) / 10.0));
        ObjectNode perImage = root.putObject("ms_per_image");
        stageNanos(stages).forEach((stage, nanos) -> perImage.put(stage,
                Math.round(nanos / 1e3 / Math.max(stages.images(), 1)) / 1e3));
        ObjectNode decoders = root.putObject("decoders");
        stages.decoders().forEach(decoders::put);
        root.put("jpeg_decoder", ImageDecoder.jpegDecoderNotice());
        console.out().println(mapper.writeValueAsString(root));
    }

    private static Map<String, Long> stageNanos(LoaderStatistics.Snapshot stages) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        nanos.put("read", stages.readNanos());
        nanos.put("decode", stages.decodeNanos());
        nanos.put("augment", stages.augmentNanos());
        nanos.put("batch", stages.batchNanos());
        return nanos;
    }
}
