package dev.striate.core.train;

import dev.striate.core.backend.RunContext;
import dev.striate.core.data.Batch;
import dev.striate.core.exec.Executor;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs a classifier's training graph in evaluation mode (dropout off, batch-norm running statistics) over labelled
 * batches. The loss comes from the graph's loss node and the predictions from the backend's top-k, so the only
 * arithmetic here is adding per-batch results.
 */
public final class Evaluator {
    /** Top-5 accuracy, as ImageNet papers report it. */
    static final int TOP_K = 5;

    private final ExecutorCache executors;

    public Evaluator(ExecutorCache executors) {
        if (!executors.graph().isInput(ClassifierGraphs.LABELS)) {
            throw new IllegalArgumentException("evaluation needs the training graph (with labels and a loss)");
        }
        this.executors = executors;
    }

    /** Evaluates every batch; {@code progress} is told each batch's index as it finishes. */
    public Evaluation evaluate(Iterator<Batch> batches, List<String> classes, IntConsumer progress) {
        EvaluationTally tally = new EvaluationTally(classes);
        String logits = ClassifierGraphs.logits(executors.graph());
        int k = Math.min(TOP_K, classes.size());
        while (batches.hasNext()) {
            Batch batch = batches.next();
            Executor executor = executors.forward(batch, RunContext.evaluation());
            double loss = executor.read(ClassifierGraphs.LOSS)[0];
            int[] top = executors.backend().topK(executor.value(logits), k);
            tally.add(loss, batch.labels(), batch.size(), top, k, batch.skipped());
            progress.accept(batch.index());
        }
        return tally.result();
    }
}
