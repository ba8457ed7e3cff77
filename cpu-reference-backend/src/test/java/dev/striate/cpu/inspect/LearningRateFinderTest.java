package dev.striate.cpu.inspect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.data.Batch;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.inspect.LearningRateFinder;
import dev.striate.core.inspect.LearningRateRange;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.Linear;
import dev.striate.core.optim.Optimizer;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.ExecutorCache;
import dev.striate.cpu.CpuBackend;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One pixel x = 1 labelled 0 and 1 equally often, into a linear layer of two classes. The loss depends only on the
 * logit difference z = (w₀ − w₁)x + b₀ − b₁ as L = ½(softplus(z) + softplus(−z)), least at z = 0 with L''(0) = ¼.
 * Along the gradient ‖∇z‖² = 2x² + 2 = 4, so plain gradient descent has curvature 1 there and diverges above rate 2:
 * a range test from z = 5 must suggest a rate below 2 and see the loss explode only beyond it.
 */
class LearningRateFinderTest {
    private static final double DIVERGENCE_RATE = 2;

    @Test
    void suggestsARateBelowTheRateWhereTheLossDiverges() {
        GraphBuilder builder = new GraphBuilder();
        builder.input(ClassifierGraphs.IMAGES, Shape.of(2, 1, 1, 1));
        builder.add("flatten", new Flatten(), ClassifierGraphs.IMAGES);
        builder.add("fc", Linear.of(2), "flatten");
        Graph graph = ClassifierGraphs.training(builder.build("fc"), 0);
        Batch batch = new Batch(MemorySegment.ofArray(new float[] {1, 1}), new int[] {0, 1}, 2, 0, List.of());
        try (CpuBackend backend = new CpuBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 0);
             ExecutorCache executors = new ExecutorCache(graph, backend, store);
             Optimizer optimizer = new Optimizer(new UpdateRule.Sgd(0, 0, false, 0), store, Set.of())) {
            store.write("fc.weight", new double[] {0, 0});
            store.write("fc.bias", new double[] {5, 0});
            LearningRateRange range = LearningRateFinder.run(executors, optimizer,
                    Stream.generate(() -> batch).iterator(), 1e-4, 1e3, 200, 0);
            double suggested = range.suggestedRate();
            assertTrue(range.exploded(), "the loss must explode before rate 1e3");
            double lastRate = range.rates()[range.rates().length - 1];
            assertTrue(lastRate > DIVERGENCE_RATE, "exploded at rate " + lastRate + ", below the divergence rate");
            assertTrue(suggested > 1e-3 && suggested < DIVERGENCE_RATE, "suggested " + suggested);
        }
    }
}
