package dev.striate.core.train;

import java.util.List;

/**
 * A model's results on labelled data: mean loss, top-1 and top-5 accuracy, accuracy per class (NaN for a class
 * without images), and the confusion matrix {@code confusion[true][predicted]} of top-1 predictions.
 * {@code skipped} names the files that could not be read.
 */
public record Evaluation(List<String> classes, long images, double loss, double top1, double top5,
                         double[] perClassAccuracy, long[][] confusion, List<String> skipped) {
    public Evaluation {
        classes = List.copyOf(classes);
        skipped = List.copyOf(skipped);
    }
}
