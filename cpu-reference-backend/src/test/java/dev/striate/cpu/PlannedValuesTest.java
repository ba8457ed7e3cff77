package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a planned executor lets its caller read after a step: the kept values, and a clear refusal otherwise. */
class PlannedValuesTest {
    @Test
    void keptValuesAreReadableOthersAreRefusedByNameAndUnknownNamesSaySo() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(2));
        builder.add("relu", new Relu(), "x");
        builder.add("sigmoid", new Sigmoid(), "relu");
        Graph graph = builder.build();
        try (CpuBackend backend = new CpuBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor executor = backend.compile(graph, store, PlanRequest.forwardOnly(List.of("sigmoid")))) {
            executor.feed("x", new double[] {0, -3});
            executor.forward(RunContext.evaluation());
            // sigmoid(relu(0)) = sigmoid(relu(-3)) = sigmoid(0) = 1/2.
            assertArrayEquals(new double[] {0.5, 0.5}, executor.read("sigmoid"), 1e-15);
            assertArrayEquals(new double[] {0, -3}, executor.read("x"), 0);

            IllegalStateException freed = assertThrows(IllegalStateException.class, () -> executor.read("relu"));
            assertTrue(freed.getMessage().startsWith("the value of 'relu' is not kept after a step"),
                    freed.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> executor.read("conv"));
            assertEquals("no node or input named 'conv' in the graph this executor runs (a backend that fuses nodes"
                    + " removes a value only the next node reads, unless the PlanRequest keeps it)",
                    unknown.getMessage());
        }
    }
}
