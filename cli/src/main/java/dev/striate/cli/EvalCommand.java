package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
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
import dev.striate.core.train.InputShape;
import dev.striate.core.train.MemoryEstimate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        return "evaluate a trained model: loss, top-1, top-5, per-class precision, recall and F1, confusion matrix";
    }

    @Override
    public String usage() {
        return "RUN_DIR|MODEL --data DIR [--weights FILE] [--json]";
    }

    @Override
    public Options options() {
        Options options = new Options()
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
                .addOption(Option.builder().longOpt("input").hasArg().argName("C,H,W")
                        .desc("input image shape instead of the spec's, for a MODEL with --weights").build());
        CommonOptions.addDevice(options);
        CommonOptions.addPrecision(options);
        CommonOptions.addWorkers(options);
        return CommonOptions.addJson(options);
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
            model = TrainedModel.fromWeights(target, Path.of(line.getOptionValue("weights")), data.classes(),
                    line.hasOption("input") ? InputShape.parse(line.getOptionValue("input")) : null);
        }
        if (model.classes() != null && !model.classes().equals(data.classes())) {
            throw new UserException(model.source() + " was trained on " + model.classes().size()
                    + " classes but --data has " + data.classes().size() + " (" + differences(model.classes(),
                    data.classes()) + "); evaluate on data with the same classes");
        }
        // A batch larger than the data is one partial batch either way: allocate only what it can fill.
        int batch = Math.min(CommandArguments.positive(line, "batch", DEFAULT_BATCH), Math.max(1, data.size()));
        int workers = CommonOptions.workers(line);
        StateDicts.requireFinite(model.weights(), model.source());
        Graph graph = ClassifierGraphs.training(model.spec().toGraph(batch), 0);
        Evaluation result;
        // The device's lines are printed once every check has passed, so that an error is the only line.
        List<String> deviceNotes = new ArrayList<>();
        try (Backend backend = CommonOptions.openBackend(line, deviceNotes::add);
             Loader loader = new Loader(data, model.evaluationPipeline(line.getOptionValue("transforms", "auto")),
                     batch, false, false, workers, 0)) {
            MemoryEstimate.inference(graph).requireFits(backend, "use a smaller --batch");
            deviceNotes.forEach(console.err()::println);
            try (ParameterStore store = ParameterStore.initialize(graph, backend, 0);
                 ExecutorCache executors = new ExecutorCache(graph, backend, store,
                         ClassifierGraphs.evaluationPlan(graph))) {
                StateDicts.load(store, model.weights(), model.source(), model.spec().name());
                result = new Evaluator(executors).evaluate(loader.epoch(0, 0), data.classes(), index -> { });
            }
        }
        for (String skipped : result.skipped()) {
            console.err().println("warning: skipped unreadable file " + skipped);
        }
        if (CommonOptions.json(line)) {
            console.out().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                    EvaluationReport.json(result)));
        } else {
            EvaluationReport.print(result, console.out());
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
}
