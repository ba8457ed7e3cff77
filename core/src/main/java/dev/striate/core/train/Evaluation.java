package dev.striate.core.train;

import java.util.List;

/**
 * A model's results on labelled data: mean loss, top-1 and top-5 accuracy, accuracy per class (NaN for a class
 * without images), and the confusion matrix {@code confusion[true][predicted]} of top-1 predictions.
 * {@code skipped} names the files that could not be read. Precision, recall and F1 per class come from the matrix.
 */
public record Evaluation(List<String> classes, long images, double loss, double top1, double top5,
                         double[] perClassAccuracy, long[][] confusion, List<String> skipped) {
    public Evaluation {
        classes = List.copyOf(classes);
        skipped = List.copyOf(skipped);
    }

    /** Of the images predicted as class k, the share that are k; NaN when none was predicted as k. */
    public double precision(int k) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[k];
        }
        return predicted == 0 ? Double.NaN : (double) confusion[k][k] / predicted;
    }

    /** Of the images of class k, the share predicted as k (its accuracy); NaN when it has no images. */
    public double recall(int k) {
        long actual = 0;
        for (long count : confusion[k]) {
            actual += count;
        }
        return actual == 0 ? Double.NaN : (double) confusion[k][k] / actual;
    }

    /**
     * The harmonic mean of precision and recall: NaN for a class without images; 0 for a class never found (its
     * precision is undefined when it was never predicted either, as scikit-learn's {@code zero_division=0}).
     */
    public double f1(int k) {
        double precision = precision(k);
        double recall = recall(k);
        if (Double.isNaN(recall)) {
            return Double.NaN;
        }
        if (Double.isNaN(precision) || precision + recall == 0) {
            return 0;
        }
        return 2 * precision * recall / (precision + recall);
    }
}
