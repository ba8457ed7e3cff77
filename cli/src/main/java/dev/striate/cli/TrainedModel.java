package dev.striate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.UserException;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.train.Checkpoint;
import dev.striate.core.train.CheckpointContents;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.InputShape;
import dev.striate.core.train.RunDirectory;
import dev.striate.core.train.TrainingTransforms;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model with weights to evaluate or predict with: from a run folder (its best checkpoint, else its last) or a
 * checkpoint folder, which carry the exact spec, the class list and the evaluation pipeline; or from a spec and a
 * safetensors file, whose classes come from the data.
 *
 * @param classes    the class names in label order; null when only the data can tell (weights of other origin)
 * @param evaluation the evaluation pipeline the run used; null when the caller must choose one
 */
public record TrainedModel(ModelSpec spec, List<String> classes, Map<String, HostTensor> weights, String source,
                           TransformPipeline evaluation) {

    /** True when {@code argument} names a run folder or a checkpoint folder rather than a model. */
    public static boolean isRun(String argument) {
        Path path = Path.of(argument);
        return Files.isDirectory(path);
    }

    /** The model of a run folder ({@code which}: best, last, or null for best if present) or checkpoint folder. */
    public static TrainedModel fromRun(Path folder, String which) {
        Path checkpoint;
        if (Files.isRegularFile(folder.resolve(Checkpoint.MANIFEST))) {
            checkpoint = folder;
        } else if (which != null) {
            if (!which.equals(Checkpoint.BEST) && !which.equals(Checkpoint.LAST)) {
                throw new UserException("--checkpoint must be best or last, got '" + which + "'");
            }
            checkpoint = folder.resolve(which);
        } else {
            checkpoint = RunDirectory.checkpointOf(folder);
        }
        CheckpointContents contents = Checkpoint.read(checkpoint);
        ModelSpec spec = ModelSpecs.parse(contents.specJson(), checkpoint.resolve(Checkpoint.SPEC).toString());
        return new TrainedModel(spec, contents.state().classes(), contents.weights(), checkpoint.toString(),
                savedEvaluation(contents.configJson(), checkpoint));
    }

    private static TransformPipeline savedEvaluation(String configJson, Path checkpoint) {
        JsonNode saved;
        try {
            saved = new ObjectMapper().readTree(configJson).path("transforms").path("eval");
        } catch (JsonProcessingException e) {
            throw new UserException(checkpoint.resolve(Checkpoint.CONFIG) + " is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (!saved.isObject()) {
            return null;
        }
        int[] size = {saved.path("size").path(0).asInt(), saved.path("size").path(1).asInt()};
        TransformPipeline base = TransformPipeline.plain(saved.path("channels").asInt(), size[0], size[1]);
        return TransformPipeline.fromJson(saved, base);
    }

    /**
     * A spec (zoo name or file) with a weights file, at {@code input} (null: the spec's). The class count comes from
     * the file's metadata when striate wrote it (it names its classes, so that data of other classes, or of the same
     * in another order, is found), else from {@code classes} (the data's; null when there is no data), else from the
     * file's classifier ({@code fc.weight} of [1000, 512] means 1000 classes).
     */
    public static TrainedModel fromWeights(String model, Path weights, List<String> classes, InputShape input) {
        Map<String, HostTensor> tensors = SafeTensors.read(weights);
        List<String> written = Checkpoint.classesOf(SafeTensors.readMetadata(weights));
        ModelSpec spec = ModelSpecs.resolve(model);
        if (input != null) {
            spec = spec.withInput(input.channels(), input.height(), input.width());
        }
        int count = written != null ? written.size() : classes != null ? classes.size() : headSize(spec, tensors);
        if (spec.classes() != count) {
            spec = spec.withClasses(count);
        }
        return new TrainedModel(spec, written, tensors, weights.toString(), null);
    }

    /** The rows of the file's first classifier tensor, or the spec's class count when the file lacks it. */
    private static int headSize(ModelSpec spec, Map<String, HostTensor> tensors) {
        List<String> classifier = ClassifierGraphs.classifierParameters(spec.toGraph(1));
        HostTensor weight = classifier.isEmpty() ? null : tensors.get(classifier.getFirst());
        return weight == null || weight.shape().rank() == 0 ? spec.classes() : weight.shape().dim(0);
    }

    /** The saved pipeline, or one of the kind for the spec's input. */
    public TransformPipeline evaluationPipeline(String kind) {
        if (evaluation != null) {
            return evaluation;
        }
        int[] input = spec.inputShape();
        return TrainingTransforms.evaluation(kind, null, input[0], input[1], input[2]);
    }
}
