package dev.striate.core.train;

import java.util.ArrayList;
import java.util.List;

/** Adds per-batch results up into an {@link Evaluation}: loss weighted by batch size, top-k hits, confusion. */
final class EvaluationTally {
    private final List<String> classes;
    private final long[][] confusion;
    private final List<String> skipped = new ArrayList<>();
    private double lossSum;
    private long images;
    private long top1Hits;
    private long top5Hits;

    EvaluationTally(List<String> classes) {
        this.classes = List.copyOf(classes);
        this.confusion = new long[classes.size()][classes.size()];
    }

    /**
     * One batch: its mean loss, its labels, and the top-k class indices of each row ({@code k} per row, best first).
     */
    void add(double meanLoss, int[] labels, int size, int[] topK, int k, List<String> skippedFiles) {
        lossSum += meanLoss * size;
        images += size;
        for (int row = 0; row < size; row++) {
            int label = labels[row];
            confusion[label][topK[row * k]]++;
            if (topK[row * k] == label) {
                top1Hits++;
            }
            for (int j = 0; j < Math.min(k, 5); j++) {
                if (topK[row * k + j] == label) {
                    top5Hits++;
                    break;
                }
            }
        }
        skipped.addAll(skippedFiles);
    }

    Evaluation result() {
        double[] perClass = new double[classes.size()];
        for (int k = 0; k < perClass.length; k++) {
            long total = 0;
            for (long count : confusion[k]) {
                total += count;
            }
            perClass[k] = total == 0 ? Double.NaN : (double) confusion[k][k] / total;
        }
        double n = images;
        return new Evaluation(classes, images, images == 0 ? Double.NaN : lossSum / n,
                images == 0 ? Double.NaN : top1Hits / n, images == 0 ? Double.NaN : top5Hits / n, perClass,
                confusion, skipped);
    }
}
