package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.op.Conv2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.cudnn.ConvolutionAlgorithms;
import dev.striate.cuda.cudnn.CudnnActivation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CUDA kernels hold of cuDNN, on the fake cuDNN through the core's executor: every descriptor a compile
 * creates is destroyed when the executor closes; convolution algorithms are searched once and recalled by the next
 * backend (the next run) from the cache folder; and cuDNN calls make the device current on whichever thread runs them.
 */
class CudnnLifetimeTest {
    @TempDir
    Path cache;

    /** Compiles the graph on a fresh recording backend and closes the executor. */
    private static void compileAndClose(RecordingCudaContext context, Graph graph) {
        RecordingBackend backend = new RecordingBackend(context);
        try (ParameterStore store = ParameterStore.initialize(graph, backend, 1)) {
            backend.compile(graph, store).close();
        }
    }

    @Test
    void everyDescriptorCreatedIsDestroyedWhenTheExecutorCloses() {
        Map<String, Integer> createdByKind = new HashMap<>();
        for (GradCheckCase gradCase : GradCheckSuite.cases()) {
            RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
            compileAndClose(context, gradCase.graph());
            assertEquals(Map.of(), context.cudnnFake().liveDescriptorsByKind(),
                    gradCase + ": descriptors left after close (live by kind)");
            context.cudnnFake().created().forEach((kind, count) -> createdByKind.merge(kind, count, Integer::sum));
        }
        // Each kind the kernels make was made, so each was seen destroyed.
        for (String kind : List.of("Tensor", "Filter", "Convolution", "Activation")) {
            assertTrue(createdByKind.getOrDefault(kind, 0) > 0, kind + " descriptors never made: " + createdByKind);
        }
    }

    private static Graph convolutionGraph() {
        return GradCheckSuite.cases().stream().filter(c -> c.graph().nodes().stream()
                .anyMatch(n -> n.op() instanceof Conv2d)).findFirst().orElseThrow().graph();
    }

    private static long convolutions(Graph graph) {
        return graph.nodes().stream().filter(n -> n.op() instanceof Conv2d).count();
    }

    @Test
    void theNextBackendRecallsConvolutionAlgorithmsFromTheCacheFolder() {
        Graph graph = convolutionGraph();
        List<String> notices = new ArrayList<>();
        RecordingCudaContext first = new RecordingCudaContext(Precision.FP32,
                ConvolutionAlgorithms.onDisk(RecordingCudaContext.PLATFORM, cache, notices::add));
        compileAndClose(first, graph);
        assertEquals(3 * convolutions(graph), first.cudnnFake().searches(), "forward, backward data and filter");

        RecordingCudaContext second = new RecordingCudaContext(Precision.FP32,
                ConvolutionAlgorithms.onDisk(RecordingCudaContext.PLATFORM, cache, notices::add));
        compileAndClose(second, graph);
        assertEquals(0, second.cudnnFake().searches(), "the second backend searched again");
        assertTrue(second.cudnnCalls().stream().anyMatch(c -> c.symbol().equals("cudnnSetConvolutionMathType")));
        assertEquals(List.of(), notices);

        RecordingCudaContext tf32 = new RecordingCudaContext(Precision.TF32,
                ConvolutionAlgorithms.onDisk(RecordingCudaContext.PLATFORM, cache, notices::add));
        compileAndClose(tf32, graph);
        assertEquals(3 * convolutions(graph), tf32.cudnnFake().searches(), "tf32 is its own key");
    }

    @Test
    void cudnnCallsMakeTheDeviceCurrentOnTheThreadThatRunsThem() throws InterruptedException {
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        Shape shape = Shape.of(2, 3);
        CudnnActivation relu = new CudnnActivation(context, shape, CudnnActivation.RELU, 0);
        long x = context.device().address(context.device().allocate(shape, DType.F32));
        long y = context.device().address(context.device().allocate(shape, DType.F32));
        Throwable[] failure = new Throwable[1];
        // An executor may run a step on another thread than the one that compiled it (a data loader's, a server's).
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                relu.forward(x, y);
                relu.close();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        other.join();
        assertEquals(null, failure[0]);
        assertEquals(Map.of(), context.cudnnFake().liveDescriptorsByKind());
    }
}
