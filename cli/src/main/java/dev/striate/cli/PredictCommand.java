package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.FileNames;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.data.DecodedImage;
import dev.striate.core.data.ImageDecoder;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.data.UnreadableImageException;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.io.StateDicts;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.InputShape;
import dev.striate.core.train.MemoryEstimate;
import dev.striate.models.ClassNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate predict RUN_DIR IMAGE...} or {@code striate predict MODEL --weights FILE IMAGE...}: the most likely
 * classes of each image (folders are walked) with their probabilities. Class names come from {@code --classes}, the
 * run or the weights file; a 1000-way head without names gets ImageNet-1k's. The graph ends in log-softmax; the
 * backend picks the top k, and only those k values are exponentiated here.
 */
final class PredictCommand implements Command {
    private static final int DEFAULT_TOP = 5;
    /** Images per forward pass, so that many images do not need memory for all at once. */
    private static final int CHUNK = 32;

    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "classify images with a trained model or any model with weights: the top classes and probabilities";
    }

    @Override
    public String usage() {
        return "RUN_DIR IMAGE_OR_FOLDER... | MODEL --weights FILE IMAGE_OR_FOLDER... [--top K] [--classes FILE]"
                + " [--json]";
    }

    @Override
    public Options options() {
        Options options = new Options()
                .addOption(Option.builder().longOpt("weights").hasArg().argName("FILE")
                        .desc("safetensors weights (e.g. torchvision's), when MODEL is a zoo name or spec file")
                        .build())
                .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("WHICH")
                        .desc("best (default when present) or last, for a run folder").build())
                .addOption(Option.builder().longOpt("top").hasArg().argName("K")
                        .desc("classes shown per image (default " + DEFAULT_TOP + ")").build())
                .addOption(Option.builder().longOpt("classes").hasArg().argName("FILE")
                        .desc("class names, one per line in the model's output order").build())
                .addOption(Option.builder().longOpt("input").hasArg().argName("C,H,W")
                        .desc("input image shape instead of the spec's, for a MODEL with --weights").build());
        CommonOptions.addDevice(options);
        return CommonOptions.addJson(options);
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        List<String> arguments = line.getArgList();
        if (arguments.size() < 2) {
            throw new UserException("expected a run folder (or a MODEL with --weights FILE) and at least one image or"
                    + " folder of images");
        }
        TrainedModel model = model(arguments.getFirst(), line);
        ImageFiles images = ImageFiles.of(arguments.subList(1, arguments.size()));
        if (images.files().isEmpty()) {
            throw new UserException("no files found in " + String.join(", ", arguments.subList(1, arguments.size())));
        }
        List<String> classes = classNames(model, line);
        int k = Math.min(CommandArguments.positive(line, "top", DEFAULT_TOP), classes.size());
        TransformPipeline pipeline = model.evaluationPipeline("auto");
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode results = mapper.createArrayNode();
        StateDicts.requireFinite(model.weights(), model.source());
        Graph predictionGraph = ClassifierGraphs.prediction(model.spec().toGraph(1));
        // The device's lines are printed once every check has passed, so that an error is the only line.
        List<String> deviceNotes = new ArrayList<>();
        try (Backend backend = CommonOptions.openBackend(line, deviceNotes::add)) {
            MemoryEstimate.inference(predictionGraph.withBatch(Math.min(CHUNK, images.files().size())))
                    .requireFits(backend, "predict on a machine with more memory");
            deviceNotes.forEach(console.err()::println);
            try (ParameterStore store = ParameterStore.initialize(predictionGraph, backend, 0)) {
                StateDicts.load(store, model.weights(), model.source(), model.spec().name());
                List<Path> files = images.files();
                for (int from = 0; from < files.size(); from += CHUNK) {
                    List<Path> chunk = files.subList(from, Math.min(files.size(), from + CHUNK));
                    List<Decoded> decoded = decode(chunk, images, console);
                    if (!decoded.isEmpty()) {
                        predict(decoded, pipeline, predictionGraph.withBatch(decoded.size()), store, k, classes,
                                results);
                    }
                }
            }
        }
        if (CommonOptions.json(line)) {
            console.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        } else {
            for (var result : results) {
                console.out().println(FileNames.quoted(result.get("image").asText()));
                for (var prediction : result.get("predictions")) {
                    console.out().printf(Locale.ROOT, "  %.4f  %s%n", prediction.get("probability").asDouble(),
                            prediction.get("class").asText());
                }
            }
        }
        return Main.OK;
    }

    private static TrainedModel model(String target, CommandLine line) {
        if (TrainedModel.isRun(target)) {
            if (line.hasOption("weights") || line.hasOption("input")) {
                throw new UserException("--weights and --input go with a MODEL; " + target
                        + " is a run folder with its own weights and input");
            }
            return TrainedModel.fromRun(Path.of(target), line.getOptionValue("checkpoint"));
        }
        if (!line.hasOption("weights")) {
            throw new UserException(target + " is not a run folder; to predict with a model, give its weights:"
                    + " striate predict " + target + " --weights FILE IMAGE...");
        }
        InputShape input = line.hasOption("input") ? InputShape.parse(line.getOptionValue("input")) : null;
        return TrainedModel.fromWeights(target, Path.of(line.getOptionValue("weights")), null, input);
    }

    /** {@code --classes}, else the model's own names, else ImageNet's for 1000 outputs, else "class 0", ... */
    private static List<String> classNames(TrainedModel model, CommandLine line) {
        int count = model.spec().classes();
        if (line.hasOption("classes")) {
            return ClassNames.read(Path.of(line.getOptionValue("classes")), count);
        }
        if (model.classes() != null) {
            return model.classes();
        }
        if (count == ClassNames.IMAGENET_CLASSES) {
            return ClassNames.imageNet();
        }
        return IntStream.range(0, count).mapToObj(i -> "class " + i).toList();
    }

    /** An image ready for the model. */
    private record Decoded(Path file, DecodedImage image) {
    }

    private static List<Decoded> decode(List<Path> files, ImageFiles images, Console console) {
        List<Decoded> decoded = new ArrayList<>();
        for (Path file : files) {
            try {
                decoded.add(new Decoded(file, ImageDecoder.decode(file)));
            } catch (UnreadableImageException e) {
                if (!images.fromFolder().contains(file)) {
                    throw new UserException(FileNames.quoted(file) + " is not a readable image: " + e.getMessage());
                }
                console.err().println("warning: skipped " + FileNames.quoted(file) + ": " + e.getMessage());
            }
        }
        return decoded;
    }

    private static void predict(List<Decoded> images, TransformPipeline pipeline, Graph graph, ParameterStore store,
                                int k, List<String> classes, ArrayNode results) {
        float[] batch = new float[images.size() * pipeline.itemSize()];
        for (int i = 0; i < images.size(); i++) {
            pipeline.apply(images.get(i).image(), new SplittableRandom(0), batch, i * pipeline.itemSize());
        }
        try (Executor executor = store.backend().compile(graph, store, ClassifierGraphs.predictionPlan())) {
            executor.feed(ClassifierGraphs.IMAGES, batch);
            executor.forward(RunContext.evaluation());
            int[] top = store.backend().topK(executor.value(ClassifierGraphs.LOG_PROBABILITIES), k);
            double[] logProbabilities = executor.read(ClassifierGraphs.LOG_PROBABILITIES);
            for (int i = 0; i < images.size(); i++) {
                ObjectNode result = results.addObject();
                result.put("image", images.get(i).file().toString());
                ArrayNode predictions = result.putArray("predictions");
                for (int j = 0; j < k; j++) {
                    int label = top[i * k + j];
                    predictions.addObject().put("class", classes.get(label)).put("index", label)
                            .put("probability", Math.exp(logProbabilities[i * classes.size() + label]));
                }
            }
        }
    }
}
