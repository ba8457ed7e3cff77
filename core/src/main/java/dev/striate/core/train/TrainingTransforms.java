package dev.striate.core.train;

import com.fasterxml.jackson.databind.JsonNode;
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
        return training(config.transforms(), config.trainTransform(), channels, height, width);
    }

    public static TransformPipeline evaluation(TrainingConfig config, int channels, int height, int width) {
        return evaluation(config.transforms(), config.evalTransform(), channels, height, width);
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
