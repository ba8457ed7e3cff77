package dev.striate.cli.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.backend.RunContext;
import dev.striate.core.data.Batch;
import dev.striate.core.data.DataSource;
import dev.striate.core.data.Dataset;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.Loader;
import dev.striate.core.exec.Executor;
import dev.striate.core.graph.Node;
import dev.striate.core.inspect.DistributionTally;
import dev.striate.core.inspect.LayerDistribution;
import dev.striate.core.train.ExecutorCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code inspect distributions --data DIR [--images N] [--layer NAME,...]}: per node (by default every node), a
 * histogram of its activations over N images of the data's validation part (shuffled with seed 0), with mean,
 * standard deviation and the fraction of exact zeros, which counts dead ReLUs.
 */
final class DistributionsView implements InspectView {
    static final int DEFAULT_IMAGES = 256;
    static final int BATCH = 32;
    static final int BINS = 50;

    @Override
    public String name() {
        return "distributions";
    }

    @Override
    public String usage() {
        return "RUN_DIR|MODEL --data DIR [--images N] [--layer NAME,...] --out DIR";
    }

    @Override
    public Set<String> options() {
        return Set.of("data", "images", "layer");
    }

    @Override
    public ObjectNode run(InspectedModel model, InspectArguments arguments, OutputFolder out) throws IOException {
        arguments.noImage();
        if (!arguments.has("data")) {
            throw new UserException("inspect distributions needs --data DIR: the images to run through the model");
        }
        List<Node> nodes = new ArrayList<>();
        for (String name : arguments.layers()) {
            nodes.add(model.node(name));
        }
        if (nodes.isEmpty()) {
            nodes.addAll(model.graph().nodes());
        }
        Path file = out.claim("distributions.png");
        Dataset data = evaluationPart(Datasets.inspect(arguments.line().getOptionValue("data")));
        int images = Math.min(arguments.positive("images", DEFAULT_IMAGES), data.size());
        List<DistributionTally> tallies = nodes.stream().map(n -> new DistributionTally(n.name(), BINS)).toList();
        int batch = Math.min(BATCH, images);
        int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        try (Loader loader = new Loader(data, model.evaluationPipeline(), batch, true, false, workers, 0);
             ExecutorCache executors = new ExecutorCache(model.graph().withBatch(batch), model.store().backend(),
                     model.store())) {
            for (int pass = 0; pass < 2; pass++) {
                int seen = 0;
                for (Iterator<Batch> batches = loader.epoch(0, 0); batches.hasNext() && seen < images;) {
                    Batch next = batches.next();
                    int used = Math.min(next.size(), images - seen);
                    Executor executor = executors.forward(next, RunContext.evaluation());
                    for (int i = 0; i < nodes.size(); i++) {
                        double[] values = executor.read(nodes.get(i).name());
                        double[] kept = Arrays.copyOf(values, (int) (values.length / next.size() * used));
                        if (pass == 0) {
                            tallies.get(i).addToStatistics(kept);
                        } else {
                            tallies.get(i).addToHistogram(kept);
                        }
                    }
                    seen += used;
                }
            }
        }
        List<LayerDistribution> layers = tallies.stream().map(DistributionTally::result).toList();
        out.writeBytes(file, DistributionsChart.png(layers, nodes.stream().map(n -> n.op().typeName()).toList()));
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("data", arguments.line().getOptionValue("data"));
        json.put("images", images);
        json.put("file", file.toString());
        ArrayNode array = json.putArray("layers");
        for (int i = 0; i < layers.size(); i++) {
            LayerDistribution layer = layers.get(i);
            ObjectNode entry = array.addObject();
            entry.put("layer", layer.node()).put("type", nodes.get(i).op().typeName()).put("values", layer.count()).put("mean", layer.mean())
                    .put("std", layer.standardDeviation()).put("zeroFraction", layer.zeroFraction())
                    .put("min", layer.min()).put("max", layer.max());
            ArrayNode edges = entry.putArray("edges");
            Arrays.stream(layer.edges()).forEach(edges::add);
            ArrayNode counts = entry.putArray("counts");
            Arrays.stream(layer.counts()).forEach(counts::add);
        }
        return json;
    }

    /** The validation part when the data has one, else the whole of a folder of classes, else the training part. */
    private static Dataset evaluationPart(DataSource source) {
        for (String part : List.of("val", "all", "train")) {
            if (source.splits().containsKey(part)) {
                return source.splits().get(part);
            }
        }
        throw new UserException("--data " + source.location() + " holds no images");
    }
}
