package dev.striate.core.train;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.data.Batch;
import dev.striate.core.exec.Executor;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
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

    /**
     * Evaluates every batch; {@code progress} is told each batch's index as it finishes. As in training, batch k+1's
     * copy starts while batch k's forward pass is queued, and the host waits once per batch, for its loss and top-k.
     */
    public Evaluation evaluate(Iterator<Batch> batches, List<String> classes, IntConsumer progress) {
        EvaluationTally tally = new EvaluationTally(classes);
        String logits = ClassifierGraphs.logits(executors.graph());
        int k = Math.min(TOP_K, classes.size());
        Backend backend = executors.backend();
        try (BatchPipeline pipeline = new BatchPipeline(batches, executors)) {
            Batch batch = pipeline.first();
            while (batch != null) {
                Executor executor = executors.executor(batch.size());
                executor.forward(RunContext.evaluation());
                Tensor top = backend.allocate(Shape.of(batch.size() * k), DType.I32, TensorRole.SCRATCH);
                List<double[]> results;
                int[] labels = batch.labels().clone();
                Batch next;
                try {
                    backend.topK(executor.value(logits), k, top);
                    next = pipeline.next(executor);
                    results = backend.read(List.of(executor.value(ClassifierGraphs.LOSS), top));
                } finally {
                    backend.release(top);
                }
                pipeline.resultsRead();
                int[] topIndices = new int[results.get(1).length];
                for (int i = 0; i < topIndices.length; i++) {
                    topIndices[i] = (int) results.get(1)[i];
                }
                tally.add(results.get(0)[0], labels, batch.size(), topIndices, k, batch.skipped());
                progress.accept(batch.index());
                batch = next;
            }
        }
        return tally.result();
    }
}
