package dev.striate.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.striate.core.UserException;
import dev.striate.core.data.TransformPipeline;

/**
 * The image pipelines of a run, from {@code --transforms} and the {@code train-transform} / {@code eval-transform}
 * JSON overrides. {@code imagenet}: random resized crop and flip for training, resize and center crop for
 * evaluation. {@code plain}: no augmentation, each image resized to the model's input. {@code auto} picks imagenet
 * for inputs of at least {@value #IMAGENET_MIN_SIZE} pixels a side and plain for small ones (MNIST-like), where
 * cropping 8% of an image would leave nothing to learn from.
 */
public final class TrainingTransforms {
    static final int IMAGENET_MIN_SIZE = 64;

    private TrainingTransforms() {
    }

    public static TransformPipeline training(TrainingConfig config, int channels, int height, int width) {
        return requireFits(training(config.transforms(), config.trainTransform(), channels, height, width),
                "--train-transform", channels, height, width);
    }

    public static TransformPipeline evaluation(TrainingConfig config, int channels, int height, int width) {
        return requireFits(evaluation(config.transforms(), config.evalTransform(), channels, height, width),
                "--eval-transform", channels, height, width);
    }

    /**
     * The pipeline, when its images have the model's input shape; otherwise a user error naming the flag, since a
     * transform's {@code size} or {@code channels} cannot change what the model takes ({@code --input} does).
     */
    public static TransformPipeline requireFits(TransformPipeline pipeline, String flag, int channels, int height,
                                                int width) {
        if (pipeline.channels() != channels || pipeline.height() != height || pipeline.width() != width) {
            throw new UserException(flag + " makes images of " + pipeline.channels() + "x" + pipeline.height() + "x"
                    + pipeline.width() + " but the model takes " + channels + "x" + height + "x" + width
                    + "; give the model that input with --input " + pipeline.channels() + "," + pipeline.height()
                    + "," + pipeline.width() + ", or leave 'size' and 'channels' out of the transform");
        }
        return pipeline;
    }

    /** The training pipeline of a kind (auto, imagenet, plain) with JSON overrides (may be null). */
    public static TransformPipeline training(String kind, JsonNode overrides, int channels, int height, int width) {
        TransformPipeline base = imagenet(kind, height, width) ? TransformPipeline.train(channels, height, width)
                : TransformPipeline.plain(channels, height, width);
        return TransformPipeline.fromJson(overrides, base);
    }

    /** The evaluation pipeline of a kind (auto, imagenet, plain) with JSON overrides (may be null). */
    public static TransformPipeline evaluation(String kind, JsonNode overrides, int channels, int height,
                                               int width) {
        TransformPipeline base = imagenet(kind, height, width)
                ? TransformPipeline.evaluation(channels, height, width)
                : TransformPipeline.plain(channels, height, width);
        return TransformPipeline.fromJson(overrides, base);
    }

    private static boolean imagenet(String kind, int height, int width) {
        return switch (kind) {
            case "imagenet" -> true;
            case "plain" -> false;
            default -> Math.min(height, width) >= IMAGENET_MIN_SIZE;
        };
    }
}
