package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.cli.inspect.OutputFolder;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.DeviceSelection;
import dev.striate.core.data.Batch;
import dev.striate.core.data.DatasetSplits;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.Loader;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.inspect.LearningRateFinder;
import dev.striate.core.inspect.LearningRateRange;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.io.StateDicts;
import dev.striate.core.optim.Optimizer;
import dev.striate.core.optim.UpdateRules;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.ExecutorCache;
import dev.striate.core.train.TrainingConfig;
import dev.striate.core.train.TrainingConfigParser;
import dev.striate.core.train.TrainingTransforms;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate lr-find MODEL --data DIR}: the learning-rate range test ({@link LearningRateFinder}) over at most one
 * pass of the training data, with train's optimizer flags; writes {@code lr_find.png} and prints the suggested rate.
 * The weights are a fresh copy (initialised, or read from {@code --weights}): no file or run is changed.
 */
final class LrFindCommand implements Command {
    static final String CHART = "lr_find.png";
    static final int DEFAULT_STEPS = 100;
    /** The train settings this command takes, by the same flag names. */
    private static final List<String> TRAINING_KEYS = List.of("data", "batch", "optimizer", "momentum", "nesterov",
            "weight-decay", "label-smoothing", "weights", "seed", "val-split", "transforms", "device", "precision",
            "workers");

    @Override
    public String name() {
        return "lr-find";
    }

    @Override
    public String summary() {
        return "learning-rate range test: loss against an exponentially growing rate, and a suggested rate";
    }

    @Override
    public String usage() {
        return "MODEL --data DIR [--start LR] [--end LR] [--steps N] [train's optimizer flags] [--out DIR] [--json]";
    }

    @Override
    public Options options() {
        Options training = TrainingFlags.options();
        Options options = new Options();
        for (String key : TRAINING_KEYS) {
            options.addOption(training.getOption(key));
        }
        return options
                .addOption(Option.builder().longOpt("start").hasArg().argName("LR")
                        .desc("first learning rate (default 1e-7)").build())
                .addOption(Option.builder().longOpt("end").hasArg().argName("LR")
                        .desc("last learning rate (default 10)").build())
                .addOption(Option.builder().longOpt("steps").hasArg().argName("N")
                        .desc("batches, at most one pass over the training data (default " + DEFAULT_STEPS + ")")
                        .build())
                .addOption(Option.builder().longOpt("out").hasArg().argName("DIR")
                        .desc("folder for " + CHART + " (default: the current folder)").build())
                .addOption(Option.builder().longOpt(CommonOptions.JSON).desc("print the rates and losses as JSON")
                        .build());
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>(TrainingFlags.read(line));
        flags.put("model", CommandArguments.single(line, "one MODEL: a zoo name or a spec file"));
        TrainingConfig config = TrainingConfigParser.resolve(TrainingConfigParser.overlay(
                JsonNodeFactory.instance.objectNode(), flags), "lr-find");
        double start = CommandArguments.number(line, "start", 1e-7, false);
        double end = CommandArguments.number(line, "end", 10, false);
        if (end <= start) {
            throw new UserException("--end must be above --start, got " + start + " and " + end);
        }
        int maxSteps = CommandArguments.positive(line, "steps", DEFAULT_STEPS);
        if (maxSteps < 2) {
            throw new UserException("--steps must be at least 2: the range test needs a first and a last rate");
        }
        OutputFolder folder = OutputFolder.create(line.getOptionValue("out", "."));
        Path chart = folder.claim(CHART);
        ModelSpec spec = ModelSpecs.resolve(config.model());
        DatasetSplits data = Datasets.open(config.data(), config.valSplit(), config.seed());
        if (spec.classes() != data.train().classes().size()) {
            spec = spec.withClasses(data.train().classes().size());
        }
        int[] input = spec.inputShape();
        LearningRateRange range;
        try (Backend backend = CommonOptions.openBackend(DeviceSelection.parse(config.device()), config.precision(),
                console);
             Loader loader = new Loader(data.train(), TrainingTransforms.training(config, input[0], input[1],
                     input[2]), config.batch(), true, true, config.workers(), config.seed())) {
            if (loader.batchesPerEpoch() < 2) {
                throw new UserException("--data " + config.data() + " has too few training images for two batches"
                        + " of " + config.batch() + "; lower --batch");
            }
            int steps = Math.min(maxSteps, loader.batchesPerEpoch());
            Graph graph = ClassifierGraphs.training(spec.toGraph(config.batch()), config.labelSmoothing());
            try (ParameterStore store = ParameterStore.initialize(graph, backend, config.seed());
                 ExecutorCache executors = new ExecutorCache(graph, backend, store,
                         ClassifierGraphs.trainingPlan(graph));
                 Optimizer optimizer = new Optimizer(UpdateRules.named(config.optimizer(), config.momentum(),
                         config.weightDecay(), config.nesterov()), store, Set.of())) {
                if (config.weights() != null) {
                    StateDicts.load(store, SafeTensors.read(Path.of(config.weights())), config.weights(),
                            spec.name());
                }
                console.err().printf(Locale.ROOT, "range test of %s: %d batches of %d, rate %.1e to %.1e%n",
                        spec.name(), steps, config.batch(), start, end);
                Iterator<Batch> batches = loader.epoch(0, 0);
                range = LearningRateFinder.run(executors, optimizer, batches, start, end, steps, config.seed());
            }
        }
        folder.writeBytes(chart, LearningRateChart.png(range));
        report(range, chart, line.hasOption("json"), console);
        return Main.OK;
    }

    private static void report(LearningRateRange range, Path chart, boolean json, Console console) throws Exception {
        if (json) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            if (Double.isNaN(range.suggestedRate())) {
                root.putNull("suggested");
            } else {
                root.put("suggested", range.suggestedRate());
            }
            root.put("exploded", range.exploded());
            root.put("chart", chart.toString());
            ArrayNode rates = root.putArray("rates");
            Arrays.stream(range.rates()).forEach(rates::add);
            ArrayNode losses = root.putArray("losses");
            Arrays.stream(range.losses()).forEach(losses::add);
            ArrayNode smoothed = root.putArray("smoothed");
            Arrays.stream(range.smoothed()).forEach(smoothed::add);
            console.out().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return;
        }
        int last = range.rates().length - 1;
        console.out().printf(Locale.ROOT, "%d steps, rate %.2e to %.2e%s%n", range.rates().length, range.rates()[0],
                range.rates()[last], range.exploded() ? "; the loss exploded at the last rate" : "");
        if (Double.isNaN(range.suggestedRate())) {
            console.out().println("no suggestion: too few steps ran; raise --steps or lower --start");
        } else {
            console.out().printf(Locale.ROOT, "suggested learning rate: %.2e (steepest fall of the smoothed loss)%n",
                    range.suggestedRate());
        }
        console.out().println("chart " + chart);
    }
}
