package dev.striate.cpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The executor prepares each node's kernel once, with the node's shapes, and hands the result to every call. */
class PreparedKernelTest {
    private record Prepared(NodeSignature signature) {
    }

    private static final class RecordingBackend extends WrappedCpuBackend {
        final List<Prepared> prepared = new ArrayList<>();
        final List<Object> seenByForward = new ArrayList<>();
        final List<Object> seenByBackward = new ArrayList<>();

        @Override
        public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
            Kernel<O> kernel = delegate.kernel(opClass);
            return new Kernel<>() {
                @Override
                public Object prepare(O op, NodeSignature signature) {
                    Prepared result = new Prepared(signature);
                    prepared.add(result);
                    return result;
                }

                @Override
                public Object forward(O op, ForwardCall call) {
                    seenByForward.add(call.prepared());
                    return kernel.forward(op, call);
                }

                @Override
                public void backward(O op, BackwardCall call) {
                    seenByBackward.add(call.prepared());
                    kernel.backward(op, call);
                }
            };
        }
    }

    @Test
    void prepareRunsOncePerNodeAtCompileTimeAndEveryCallReceivesItsResult() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(2, 3, 5, 5));
        builder.add("conv", Conv2d.of(4, 3, 2, 1), "x");
        Graph graph = builder.build();
        try (RecordingBackend backend = new RecordingBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor executor = backend.compile(graph, store)) {
            assertEquals(1, backend.prepared.size());
            NodeSignature signature = backend.prepared.getFirst().signature();
            assertEquals("conv", signature.nodeName());
            assertEquals(List.of(Shape.of(2, 3, 5, 5)), signature.inputShapes());
            assertEquals(List.of(Shape.of(4, 3, 3, 3), Shape.of(4)), signature.paramShapes());
            assertEquals(Shape.of(2, 4, 3, 3), signature.outputShape());
            for (int step = 0; step < 3; step++) {
                executor.feed("x", new double[150]);
                executor.forward(RunContext.training(1, step));
                executor.backward("conv", new double[72]);
            }
            assertEquals(1, backend.prepared.size());
            assertEquals(3, backend.seenByForward.size());
            assertEquals(3, backend.seenByBackward.size());
            for (int i = 0; i < 3; i++) {
                assertSame(backend.prepared.getFirst(), backend.seenByForward.get(i));
                assertSame(backend.prepared.getFirst(), backend.seenByBackward.get(i));
            }
        }
    }
}
