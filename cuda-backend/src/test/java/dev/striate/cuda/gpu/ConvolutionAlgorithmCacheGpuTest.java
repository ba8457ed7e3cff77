package dev.striate.cuda.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Precision;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.op.Conv2d;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaBackendProvider;
import org.junit.jupiter.api.Test;

/**
 * On a real GPU and cuDNN: the algorithms a backend measured for a graph's convolutions are recalled by the next
 * backend (as by the next run) from the user's cache folder, with no measuring at all.
 */
@GpuTest
class ConvolutionAlgorithmCacheGpuTest {
    /** Opens a backend, compiles the graph, and says how many convolutions cuDNN had to time. */
    private static int searchesToCompile(Graph graph, Precision precision) {
        try (CudaBackend backend = (CudaBackend) new CudaBackendProvider().open(new BackendOptions(precision));
             ParameterStore store = ParameterStore.initialize(graph, backend, 1)) {
            backend.compile(graph, store).close();
            return backend.context().convolutionAlgorithms().searches();
        }
    }

    @Test
    void theNextBackendMeasuresNothing() {
        Graph graph = GradCheckSuite.cases().stream().filter(c -> c.graph().nodes().stream()
                .anyMatch(n -> n.op() instanceof Conv2d)).findFirst().orElseThrow().graph();
        for (Precision precision : new Precision[] {Precision.FP32, Precision.TF32}) {
            int first = searchesToCompile(graph, precision);
            assertTrue(first >= 0 && first <= 3 * graph.nodes().size(), "searches " + first);
            assertEquals(0, searchesToCompile(graph, precision), precision + ": the second backend measured again");
        }
    }
}
