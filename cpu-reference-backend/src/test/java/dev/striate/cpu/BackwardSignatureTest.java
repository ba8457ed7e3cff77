package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.NodeSignature;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kernels learn from their signature whether backward may run: not in an executor compiled for forward only. */
class BackwardSignatureTest {
    @Test
    void onlyForwardOnlyPlansPrepareWithoutBackward() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(2));
        builder.add("relu", new Relu(), "x");
        Graph graph = builder.build();
        SignatureRecordingBackend backend = new SignatureRecordingBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, backend, 1)) {
            backend.compile(graph, store, PlanRequest.forwardOnly(List.of("relu"))).close();
            backend.compile(graph, store, PlanRequest.backward("relu", List.of("relu"))).close();
            backend.compile(graph, store).close();
        }
        assertEquals(List.of(false, true, true), backend.signatures.stream().map(NodeSignature::backward).toList());
    }
}
