package dev.striate.cli.inspect;

import dev.striate.cli.TrainedModel;
import dev.striate.core.Suggestions;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Backends;
import dev.striate.core.backend.Precision;
import dev.striate.core.data.DecodedImage;
import dev.striate.core.data.ImageDecoder;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.data.UnreadableImageException;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.io.StateDicts;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.models.ModelSpecs;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * A trained model opened for inspection: its graph at batch 1 (no loss: the logits are the output), its weights in
 * a parameter store on the chosen backend, and the evaluation pipeline its images go through.
 */
final class InspectedModel implements AutoCloseable {
    private static final int CLOSE_NAMES = 5;

    private final TrainedModel model;
    private final Backend backend;
    private final Graph graph;
    private final ParameterStore store;

    private InspectedModel(TrainedModel model, Backend backend, Graph graph, ParameterStore store) {
        this.model = model;
        this.backend = backend;
        this.graph = graph;
        this.store = store;
    }

    /** A run folder (its best checkpoint unless {@code checkpoint} says last) or a MODEL with {@code --weights}. */
    static InspectedModel open(String target, String weights, String checkpoint, String device, Precision precision,
                               Consumer<String> notices) {
        TrainedModel model;
        if (TrainedModel.isRun(target)) {
            if (weights != null) {
                throw new UserException("--weights goes with a MODEL; " + target + " is a run folder with weights");
            }
            model = TrainedModel.fromRun(Path.of(target), checkpoint);
        } else {
            if (weights == null) {
                throw new UserException("inspecting " + target + " needs --weights FILE (or give a run folder)");
            }
            int classes = ModelSpecs.resolve(target).classes();
            model = TrainedModel.fromWeights(target, Path.of(weights),
                    IntStream.range(0, classes).mapToObj(Integer::toString).toList(), null);
        }
        Graph graph = model.spec().toGraph(1);
        Backend backend = Backends.open(device, new BackendOptions(precision), notices);
        ParameterStore store = null;
        try {
            store = ParameterStore.initialize(graph, backend, 0);
            StateDicts.load(store, model.weights(), model.source(), model.spec().name());
            return new InspectedModel(model, backend, graph, store);
        } catch (RuntimeException e) {
            if (store != null) {
                store.close();
            }
            backend.close();
            throw e;
        }
    }

    String name() {
        return model.spec().name();
    }

    /** The model's graph at batch 1; its output is the logits. */
    Graph graph() {
        return graph;
    }

    ParameterStore store() {
        return store;
    }

    /** An executor of the model at {@code batch} that also computes the gradient with respect to the images. */
    Executor executorWithInputGradient(int batch) {
        Executor executor = executor(batch);
        executor.requireInputGradient(ClassifierGraphs.IMAGES);
        return executor;
    }

    Executor executor(int batch) {
        return backend.compile(batch == 1 ? graph : graph.withBatch(batch), store);
    }

    /** The node called {@code name}; an unknown name is the user's mistake, answered with the closest names. */
    Node node(String name) {
        List<String> names = graph.nodes().stream().map(Node::name).toList();
        if (!names.contains(name)) {
            throw new UserException("--layer '" + name + "': " + name() + " has no such node; closest: "
                    + String.join(", ", Suggestions.closest(name, names, CLOSE_NAMES)) + " (striate summary "
                    + name() + " lists all " + names.size() + ")");
        }
        return graph.node(name);
    }

    /** The name of class {@code k}: the run's own, or the index when the weights do not name their classes. */
    String className(int k) {
        return model.classes() == null ? Integer.toString(k) : model.classes().get(k);
    }

    int classes() {
        return graph.shapeOf(graph.output()).dim(1);
    }

    /** The image as the model takes it: decoded, then through the evaluation pipeline. */
    float[] image(Path file) {
        DecodedImage decoded;
        try {
            decoded = ImageDecoder.decode(file);
        } catch (UnreadableImageException e) {
            throw new UserException(file + " is not a readable image: " + e.getMessage());
        }
        TransformPipeline pipeline = evaluationPipeline();
        float[] values = new float[pipeline.itemSize()];
        pipeline.apply(decoded, new SplittableRandom(0), values, 0);
        return values;
    }

    TransformPipeline evaluationPipeline() {
        return model.evaluationPipeline("auto");
    }

    @Override
    public void close() {
        store.close();
        backend.close();
    }
}
