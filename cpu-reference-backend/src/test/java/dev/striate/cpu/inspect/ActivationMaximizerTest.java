package dev.striate.cpu.inspect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.inspect.ActivationMaximizer;
import dev.striate.core.inspect.AscentGoal;
import dev.striate.core.inspect.AscentResult;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.Shape;
import dev.striate.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * A first layer of one 4x4 filter w over a 1x4x4 image has one output h = w·x. Ascent on h² − λ‖x‖² multiplies the
 * component of x along w by 1 + 2γ(‖w‖² − λ) each step and every orthogonal component by 1 − 2γλ, so with
 * ‖w‖² > λ the image turns toward ±w and h² grows at every step.
 */
class ActivationMaximizerTest {
    private static final int SIDE = 4;

    private static double[] filter() {
        double[] w = new double[SIDE * SIDE];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.sin(i + 1) * 0.5;
        }
        return w;
    }

    @Test
    void ascentOnASingleFilterTurnsTheImageTowardTheFilterWithTheActivationRisingEveryStep() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("input", Shape.of(1, 1, SIDE, SIDE));
        builder.add("conv", Conv2d.of(1, SIDE, 1, 0).withBias(false), "input");
        builder.add("flatten", new Flatten(), "conv");
        builder.add("fc", Linear.of(2), "flatten");
        Graph graph = builder.build("fc");
        double[] w = filter();
        double l2 = 0.2;
        try (CpuBackend backend = new CpuBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 0)) {
            store.write("conv.weight", w);
            try (Executor executor = backend.compile(graph, store)) {
                executor.requireInputGradient("input");
                AscentResult result = ActivationMaximizer.maximize(executor, "input", AscentGoal.featureMap("conv", 0),
                        60, 0.05, l2, 3);
                double[] x = result.images();
                double dot = 0;
                double xx = 0;
                double ww = 0;
                for (int i = 0; i < w.length; i++) {
                    dot += x[i] * w[i];
                    xx += x[i] * x[i];
                    ww += w[i] * w[i];
                }
                assertTrue(ww > l2, "the test needs ‖w‖² > λ, got " + ww);
                double cosine = Math.abs(dot) / Math.sqrt(xx * ww);
                assertTrue(cosine > 0.999, "cos(x, w) = " + cosine);
                double[] h2 = result.trajectory()[0];
                assertTrue(Math.abs(h2[h2.length - 1] - dot * dot) <= 1e-9 * dot * dot, "the last entry is h² of x");
                for (int t = 1; t < h2.length; t++) {
                    assertTrue(h2[t] > h2[t - 1], "h² fell at step " + t + ": " + h2[t - 1] + " -> " + h2[t]);
                }
            }
        }
    }
}
