package dev.striate.cpu.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.data.Batch;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.Evaluation;
import dev.striate.core.train.Evaluator;
import dev.striate.core.train.ExecutorCache;
import dev.striate.cpu.CpuBackend;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    private static final List<String> CLASSES = List.of("a", "b", "c", "d", "e", "f");

    /** Logits equal to the six input values: flatten, then a linear layer whose weight is the identity. */
    private static Graph identity(int batch) {
        GraphBuilder builder = new GraphBuilder();
        builder.input(ClassifierGraphs.IMAGES, Shape.of(batch, 1, 1, 6));
        builder.add("flatten", new Flatten(), ClassifierGraphs.IMAGES);
        builder.add("fc", new Linear(6, false, new Initializer.Constant(0), null), "flatten");
        return builder.build("fc");
    }

    @Test
    void lossTopKPerClassAndConfusionMatchHandCounts() {
        // Rows: logits; labels below. Ranks by logit: row 0 predicts a (label a: top-1 hit), row 1 predicts b
        // (label c is its 2nd: top-5 hit), row 2 predicts f (label a is last of six: no top-5 hit).
        float[][] logits = {{6, 5, 4, 3, 2, 1}, {1, 6, 5, 4, 3, 2}, {1, 2, 3, 4, 5, 6}};
        int[] labels = {0, 2, 0};
        Graph graph = ClassifierGraphs.training(identity(2), 0);
        try (CpuBackend backend = new CpuBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 0);
             ExecutorCache executors = new ExecutorCache(graph, backend, store)) {
            double[] eye = new double[36];
            for (int i = 0; i < 6; i++) {
                eye[i * 6 + i] = 1;
            }
            store.write("fc.weight", eye);
            List<Batch> batches = new ArrayList<>();
            batches.add(new Batch(MemorySegment.ofArray(concat(logits[0], logits[1])),
                    new int[] {labels[0], labels[1]}, 2, 0, List.of()));
            batches.add(new Batch(MemorySegment.ofArray(logits[2]), new int[] {labels[2]}, 1, 1,
                    List.of("bad.png: truncated")));
            Evaluation result = new Evaluator(executors).evaluate(batches.iterator(), CLASSES, index -> { });

            double expectedLoss = 0;
            for (int row = 0; row < 3; row++) {
                double sum = 0;
                for (float logit : logits[row]) {
                    sum += Math.exp(logit);
                }
                expectedLoss += Math.log(sum) - logits[row][labels[row]];
            }
            assertEquals(expectedLoss / 3, result.loss(), 1e-12);
            assertEquals(3, result.images());
            assertEquals(1.0 / 3, result.top1(), 1e-15);
            assertEquals(2.0 / 3, result.top5(), 1e-15);
            assertEquals(0.5, result.perClassAccuracy()[0], 1e-15);
            assertEquals(0.0, result.perClassAccuracy()[2], 1e-15);
            assertTrue(Double.isNaN(result.perClassAccuracy()[1]));
            assertArrayEquals(new long[] {1, 0, 0, 0, 0, 1}, result.confusion()[0]);
            assertArrayEquals(new long[] {0, 1, 0, 0, 0, 0}, result.confusion()[2]);
            assertArrayEquals(new long[6], result.confusion()[1]);
            assertEquals(List.of("bad.png: truncated"), result.skipped());
        }
    }

    private static float[] concat(float[] first, float[] second) {
        float[] both = new float[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
