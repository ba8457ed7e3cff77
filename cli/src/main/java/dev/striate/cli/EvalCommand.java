package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.Backends;
import dev.striate.core.data.DataSource;
import dev.striate.core.data.Dataset;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.Loader;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.io.StateDicts;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.Evaluation;
import dev.striate.core.train.Evaluator;
import dev.striate.core.train.ExecutorCache;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code striate eval MODEL_OR_RUN_DIR --data DIR}: loss, top-1, top-5, accuracy per class, confusion matrix. */
final class EvalCommand implements Command {
    private static final int DEFAULT_BATCH = 64;

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "evaluate a trained model: loss, top-1, top-5, per-class accuracy, confusion matrix";
    }

    @Override
    public String usage() {
        return "RUN_DIR|MODEL --data DIR [--weights FILE] [--json]";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("data").hasArg().argName("DIR")
                        .desc("labelled images: an image folder, an IDX folder, or fashion-mnist-subset").build())
                .addOption(Option.builder().longOpt("split").hasArg().argName("PART")
                        .desc("val (default; a folder of classes is used whole) or train").build())
                .addOption(Option.builder().longOpt("weights").hasArg().argName("FILE")
                        .desc("safetensors weights, when MODEL is a spec rather than a run folder").build())
                .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("WHICH")
                        .desc("best (default when present) or last, for a run folder").build())
                .addOption(Option.builder().longOpt("transforms").hasArg().argName("KIND")
                        .desc("auto, imagenet or plain, for a spec with --weights (default auto)").build())
                .addOption(Option.builder().longOpt("batch").hasArg().argName("N")
                        .desc("images per batch (default " + DEFAULT_BATCH + ")").build())
                .addOption(Option.builder().longOpt("device").hasArg().argName("DEVICE")
                        .desc("cpu, cuda or auto (default auto)").build())
                .addOption(Option.builder().longOpt("precision").hasArg().argName("P")
                        .desc("fp32, tf32 or bf16 (default fp32)").build())
                .addOption(Option.builder().longOpt("workers").hasArg().argName("N")
                        .desc("image decoding threads (default: the number of cores)").build())
                .addOption(Option.builder().longOpt("json").desc("print JSON instead of tables").build());
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        String target = CommandArguments.single(line, "a run folder or a MODEL with --weights");
        if (!line.hasOption("data")) {
            throw new UserException("--data is required: the labelled images to evaluate on");
        }
        Dataset data = part(Datasets.inspect(line.getOptionValue("data")), line.getOptionValue("split", "val"));
        TrainedModel model;
        if (TrainedModel.isRun(target)) {
            if (line.hasOption("weights")) {
                throw new UserException("--weights goes with a MODEL; " + target + " is a run folder with weights");
            }
            model = TrainedModel.fromRun(Path.of(target), line.getOptionValue("checkpoint"));
        } else {
            if (!line.hasOption("weights")) {
                throw new UserException("evaluating " + target + " needs --weights FILE (or give a run folder)");
            }
            model = TrainedModel.fromWeights(target, Path.of(line.getOptionValue("weights")), data.classes());
        }
        if (model.classes() != null && !model.classes().equals(data.classes())) {
            throw new UserException(model.source() + " was trained on " + model.classes().size()
                    + " classes but --data has " + data.classes().size() + " (" + differences(model.classes(),
                    data.classes()) + "); evaluate on data with the same classes");
        }
        int batch = CommandArguments.positive(line, "batch", DEFAULT_BATCH);
        int workers = CommandArguments.positive(line, "workers", Runtime.getRuntime().availableProcessors());
        Evaluation result;
        try (Backend backend = Backends.open(line.getOptionValue("device", "auto"),
                new BackendOptions(Precision.parse(line.getOptionValue("precision", "fp32"))), console.err()::println);
             Loader loader = new Loader(data, model.evaluationPipeline(line.getOptionValue("transforms", "auto")),
                     batch, false, false, workers, 0)) {
            Graph graph = ClassifierGraphs.training(model.spec().toGraph(batch), 0);
            try (ParameterStore store = ParameterStore.initialize(graph, backend, 0);
                 ExecutorCache executors = new ExecutorCache(graph, backend, store)) {
                StateDicts.load(store, model.weights(), model.source(), model.spec().name());
                result = new Evaluator(executors).evaluate(loader.epoch(0, 0), data.classes(), index -> { });
            }
        }
        for (String skipped : result.skipped()) {
            console.err().println("warning: skipped unreadable file " + skipped);
        }
        if (line.hasOption("json")) {
            console.out().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                    json(result)));
        } else {
            print(result, console.out());
        }
        return Main.OK;
    }

    private static Dataset part(DataSource source, String split) {
        if (!split.equals("val") && !split.equals("train")) {
            throw new UserException("--split must be val or train, got '" + split + "'");
        }
        if (source.splits().containsKey(split)) {
            return source.splits().get(split);
        }
        if (source.splits().containsKey("all")) {
            return source.splits().get("all");
        }
        throw new UserException("--data " + source.location() + " has no " + split + " part; parts: "
                + String.join(", ", source.splits().keySet()));
    }

    private static String differences(List<String> trained, List<String> data) {
        List<String> missing = trained.stream().filter(c -> !data.contains(c)).limit(3).toList();
        List<String> extra = data.stream().filter(c -> !trained.contains(c)).limit(3).toList();
        if (missing.isEmpty() && extra.isEmpty()) {
            return "same names in another order";
        }
        return (missing.isEmpty() ? "" : "missing " + missing) + (missing.isEmpty() || extra.isEmpty() ? "" : ", ")
                + (extra.isEmpty() ? "" : "not trained on " + extra);
    }

    static ObjectNode json(Evaluation result) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("images", result.images());
        root.put("loss", result.loss());
        root.put("top1", result.top1());
        root.put("top5", result.top5());
        result.classes().forEach(root.putArray("classes")::add);
        ObjectNode perClass = root.putObject("perClassAccuracy");
        for (int k = 0; k < result.classes().size(); k++) {
            double accuracy = result.perClassAccuracy()[k];
            if (Double.isNaN(accuracy)) {
                perClass.putNull(result.classes().get(k));
            } else {
                perClass.put(result.classes().get(k), accuracy);
            }
        }
        ArrayNode confusion = root.putArray("confusion");
        for (long[] row : result.confusion()) {
            ArrayNode out = confusion.addArray();
            for (long count : row) {
                out.add(count);
            }
        }
        result.skipped().forEach(root.putArray("skipped")::add);
        return root;
    }

    static void print(Evaluation result, PrintStream out) {
        out.printf(Locale.ROOT, "images %d  loss %.4f  top-1 %.4f  top-5 %.4f%n", result.images(), result.loss(),
                result.top1(), result.top5());
        List<String> classes = result.classes();
        int width = Math.max(5, classes.stream().mapToInt(String::length).max().orElse(5));
        out.println();
        out.println("accuracy per class:");
        for (int k = 0; k < classes.size(); k++) {
            long images = 0;
            for (long count : result.confusion()[k]) {
                images += count;
            }
            out.printf(Locale.ROOT, "  %3d  %-" + width + "s  %s  (%d images)%n", k, classes.get(k),
                    Double.isNaN(result.perClassAccuracy()[k]) ? "  -   "
                            : String.format(Locale.ROOT, "%.4f", result.perClassAccuracy()[k]), images);
        }
        long largest = 1;
        for (long[] row : result.confusion()) {
            for (long count : row) {
                largest = Math.max(largest, count);
            }
        }
        int cell = Math.max(3, Long.toString(largest).length()) + 1;
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted class, by number above):");
        StringBuilder header = new StringBuilder("     ");
        for (int k = 0; k < classes.size(); k++) {
            header.append(String.format("%" + cell + "d", k));
        }
        out.println(header);
        for (int k = 0; k < classes.size(); k++) {
            StringBuilder row = new StringBuilder(String.format("  %3d", k));
            for (long count : result.confusion()[k]) {
                row.append(String.format("%" + cell + "d", count));
            }
            out.println(row);
        }
        if (!result.skipped().isEmpty()) {
            out.println();
            out.println("skipped " + result.skipped().size() + " unreadable files");
        }
    }
}
