package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Backends;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate predict RUN_DIR IMAGE...}: the most likely classes of each image with their probabilities. The graph
 * ends in log-softmax; the backend picks the top k, and only those k values are exponentiated here.
 */
final class PredictCommand implements Command {
    private static final int TOP = 5;
    /** Images per forward pass, so that many images do not need memory for all at once. */
    private static final int CHUNK = 32;

    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "classify images with a trained model: the top-5 classes and their probabilities";
    }

    @Override
    public String usage() {
        return "RUN_DIR IMAGE... [--json]";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("WHICH")
                        .desc("best (default when present) or last").build())
                .addOption(Option.builder().longOpt("device").hasArg().argName("DEVICE")
                        .desc("cpu, cuda or auto (default auto)").build())
                .addOption(Option.builder().longOpt("json").desc("print JSON").build());
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        List<String> arguments = line.getArgList();
        if (arguments.size() < 2) {
            throw new UserException("expected a run folder and at least one image");
        }
        Path runFolder = Path.of(arguments.getFirst());
        if (!Files.isDirectory(runFolder)) {
            throw new UserException(runFolder + " is not a run folder (striate train --out); give the folder first,"
                    + " then the images");
        }
        TrainedModel model = TrainedModel.fromRun(runFolder, line.getOptionValue("checkpoint"));
        List<Path> images = arguments.subList(1, arguments.size()).stream().map(Path::of).toList();
        TransformPipeline pipeline = model.evaluationPipeline("auto");
        List<String> classes = model.classes();
        int k = Math.min(TOP, classes.size());
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode results = mapper.createArrayNode();
        try (Backend backend = Backends.open(line.getOptionValue("device", "auto"), BackendOptions.defaults(),
                console.err()::println)) {
            Graph predictionGraph = ClassifierGraphs.prediction(model.spec().toGraph(1));
            try (ParameterStore store = ParameterStore.initialize(predictionGraph, backend, 0)) {
                StateDicts.load(store, model.weights(), model.source(), model.spec().name());
                for (int from = 0; from < images.size(); from += CHUNK) {
                    List<Path> chunk = images.subList(from, Math.min(images.size(), from + CHUNK));
                    predict(chunk, pipeline, predictionGraph.withBatch(chunk.size()), store, k, classes, results);
                }
            }
        }
        if (line.hasOption("json")) {
            console.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        } else {
            for (var result : results) {
                console.out().println(result.get("image").asText());
                for (var prediction : result.get("predictions")) {
                    console.out().printf(Locale.ROOT, "  %.4f  %s%n", prediction.get("probability").asDouble(),
                            prediction.get("class").asText());
                }
            }
        }
        return Main.OK;
    }

    private static void predict(List<Path> images, TransformPipeline pipeline, Graph graph, ParameterStore store,
                                int k, List<String> classes, ArrayNode results) {
        float[] batch = new float[images.size() * pipeline.itemSize()];
        for (int i = 0; i < images.size(); i++) {
            DecodedImage image;
            try {
                image = ImageDecoder.decode(images.get(i));
            } catch (UnreadableImageException e) {
                throw new UserException(images.get(i) + " is not a readable image: " + e.getMessage());
            }
            pipeline.apply(image, new SplittableRandom(0), batch, i * pipeline.itemSize());
        }
        try (Executor executor = store.backend().compile(graph, store)) {
            executor.feed(ClassifierGraphs.IMAGES, batch);
            executor.forward(RunContext.evaluation());
            int[] top = store.backend().topK(executor.value(ClassifierGraphs.LOG_PROBABILITIES), k);
            double[] logProbabilities = executor.read(ClassifierGraphs.LOG_PROBABILITIES);
            for (int i = 0; i < images.size(); i++) {
                ObjectNode result = results.addObject();
                result.put("image", images.get(i).toString());
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
