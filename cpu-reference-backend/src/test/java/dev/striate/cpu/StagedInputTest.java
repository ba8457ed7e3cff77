package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An executor's staged inputs: what the next forward reads, replaced by values fed after them, checked in size. */
class StagedInputTest {
    private static MemorySegment floats(Arena arena, float... values) {
        MemorySegment segment = arena.allocate((long) values.length * Float.BYTES, 4096);
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, 0, values.length);
        return segment;
    }

    private static double[] forward(Executor executor) {
        executor.forward(RunContext.evaluation());
        return executor.read("relu");
    }

    /** Both executors: the plain one and the planned one, which keeps only the ReLU's output. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theNextForwardReadsTheStagedValuesAndFedValuesReplaceStagedOnes(boolean planned) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(3));
        builder.add("relu", new Relu(), "x");
        Graph graph = builder.build();
        try (CpuBackend backend = new CpuBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor executor = planned ? backend.compile(graph, store, PlanRequest.forwardOnly(List.of("relu")))
                     : backend.compile(graph, store);
             Arena arena = Arena.ofConfined()) {
            executor.feed("x", new double[] {1, -2, 3});
            assertArrayEquals(new double[] {1, 0, 3}, forward(executor), 0);
            executor.stage("x", floats(arena, -1, 5, 0.5f));
            executor.awaitStagedSources();
            assertArrayEquals(new double[] {0, 5, 0.5}, forward(executor), 0);

            executor.stage("x", floats(arena, 7, 7, 7));
            executor.feed("x", new double[] {-1, -1, 2});
            assertArrayEquals(new double[] {0, 0, 2}, forward(executor), 0);

            IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                    () -> executor.stage("x", floats(arena, 1, 2)));
            assertEquals("input 'x' has shape [3] (3 elements), got 2 values", wrongSize.getMessage());
        }
    }
}
