package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.Shape;
import dev.striate.cpu.check.WrappedCpuBackend;
import java.util.ArrayList;
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
        assertEquals(List.of(false, true, true), backend.backward);
    }

    private static final class SignatureRecordingBackend extends WrappedCpuBackend {
        final List<Boolean> backward = new ArrayList<>();

        @Override
        public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
            Kernel<O> kernel = super.kernel(opClass);
            return new Kernel<>() {
                @Override
                public Object prepare(O op, NodeSignature signature) {
                    backward.add(signature.backward());
                    return kernel.prepare(op, signature);
                }

                @Override
                public Object forward(O op, ForwardCall call) {
                    return kernel.forward(op, call);
                }

                @Override
                public void backward(O op, BackwardCall call) {
                    kernel.backward(op, call);
                }
            };
        }
    }
}
