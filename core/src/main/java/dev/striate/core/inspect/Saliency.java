package dev.striate.core.inspect;

import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.tensor.Shape;

/**
 * Saliency maps: the gradient of one class score with respect to the input image, obtained from the executor's own
 * backward pass from the score node, so it works on whatever backend runs the model.
 */
public final class Saliency {
    private Saliency() {
    }

    /**
     * Runs {@code image} ([C, H, W] values as the model takes them) through {@code executor}, a model of batch 1 whose
     * {@code scores} node has shape [1, classes], and differentiates the score of {@code classIndex}, or of the
     * predicted class when it is negative. The executor must have been asked for the gradient of {@code input}.
     */
    public static SaliencyMap of(Executor executor, String input, String scores, float[] image, int classIndex) {
        Shape imageShape = executor.graph().input(input).shape();
        Shape scoreShape = executor.graph().shapeOf(scores);
        if (imageShape.batch() != 1 || scoreShape.rank() != 2) {
            throw new IllegalArgumentException("saliency needs a batch of one image and scores of shape [1, K], got "
                    + imageShape + " and " + scoreShape);
        }
        executor.feed(input, image);
        executor.forward(RunContext.evaluation());
        double[] values = executor.read(scores);
        int predicted = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[predicted]) {
                predicted = k;
            }
        }
        int scored = classIndex < 0 ? predicted : classIndex;
        if (scored >= values.length) {
            throw new IllegalArgumentException("class " + scored + " is out of range: the model has "
                    + values.length + " classes");
        }
        double[] oneHot = new double[values.length];
        oneHot[scored] = 1;
        executor.backward(scores, oneHot);
        double[] gradient = executor.inputGradient(input);
        int channels = imageShape.channels();
        int plane = imageShape.height() * imageShape.width();
        double[] map = new double[plane];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < plane; p++) {
                map[p] = Math.max(map[p], Math.abs(gradient[c * plane + p]));
            }
        }
        return new SaliencyMap(predicted, scored, values[scored], gradient, map, imageShape.height(),
                imageShape.width());
    }
}
