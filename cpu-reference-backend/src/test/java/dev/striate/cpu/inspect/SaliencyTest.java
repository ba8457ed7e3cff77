package dev.striate.cpu.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.inspect.Saliency;
import dev.striate.core.inspect.SaliencyMap;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.Shape;
import dev.striate.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** For a model that is one linear layer, score_c = W_c·x + b_c, so ∂score_c/∂x = W_c whatever the image. */
class SaliencyTest {
    private static final int CHANNELS = 2;
    private static final int HEIGHT = 2;
    private static final int WIDTH = 3;
    private static final int CLASSES = 3;
    private static final int FEATURES = CHANNELS * HEIGHT * WIDTH;

    /** W[k][j] = (k + 1)(j − 5)/7: signs differ between channels, so the max over channels is not always channel 0. */
    private static double weight(int k, int j) {
        return (k + 1) * (j - 5) / 7.0;
    }

    @Test
    void saliencyOfOneLinearLayerIsTheAbsoluteWeightsOfTheClassMaxOverChannels() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("input", Shape.of(1, CHANNELS, HEIGHT, WIDTH));
        builder.add("flatten", new Flatten(), "input");
        builder.add("fc", Linear.of(CLASSES), "flatten");
        Graph graph = builder.build("fc");
        double[] weights = new double[CLASSES * FEATURES];
        for (int k = 0; k < CLASSES; k++) {
            for (int j = 0; j < FEATURES; j++) {
                weights[k * FEATURES + j] = weight(k, j);
            }
        }
        // An image of ones: score_k = Σ_j W[k][j] = (k + 1)(66 − 60)/7 − 0.5k, largest for k = 1 with these biases.
        float[] image = new float[FEATURES];
        java.util.Arrays.fill(image, 1f);
        try (CpuBackend backend = new CpuBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 0)) {
            store.write("fc.weight", weights);
            store.write("fc.bias", new double[] {0, 0, -1.5});
            try (Executor executor = backend.compile(graph, store)) {
                executor.requireInputGradient("input");
                SaliencyMap predicted = Saliency.of(executor, "input", "fc", image, -1);
                assertEquals(1, predicted.predictedClass(), "scores 6/7, 12/7, 18/7 - 1.5");
                assertEquals(1, predicted.scoredClass());
                assertEquals(12 / 7.0, predicted.score(), 1e-12);
                for (int c : new int[] {0, 2}) {
                    SaliencyMap map = Saliency.of(executor, "input", "fc", image, c);
                    assertEquals(c, map.scoredClass());
                    int plane = HEIGHT * WIDTH;
                    for (int p = 0; p < plane; p++) {
                        double expected = Math.max(Math.abs(weight(c, p)), Math.abs(weight(c, plane + p)));
                        assertEquals(expected, map.map()[p], 1e-12, "class " + c + " pixel " + p);
                        assertEquals(weight(c, p), map.gradient()[p], 1e-12);
                    }
                }
            }
        }
    }
}
