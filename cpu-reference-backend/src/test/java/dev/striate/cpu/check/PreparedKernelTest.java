package dev.striate.cpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final class Prepared implements AutoCloseable {
        private final NodeSignature signature;
        private boolean closed;

        Prepared(NodeSignature signature) {
            this.signature = signature;
        }

        NodeSignature signature() {
            return signature;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final class RecordingBackend extends WrappedCpuBackend {
        final List<Prepared> prepared = new ArrayList<>();
        final List<Object> seenByForward = new ArrayList<>();
        final List<Object> seenByBackward = new ArrayList<>();
        /** The node whose preparation fails, as a GPU kernel's would when the device is full; null for none. */
        String failingNode;

        @Override
        public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
            Kernel<O> kernel = delegate.kernel(opClass);
            return new Kernel<>() {
                @Override
                public Object prepare(O op, NodeSignature signature) {
                    if (signature.nodeName().equals(failingNode)) {
                        throw new IllegalStateException("out of memory preparing " + failingNode);
                    }
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

    @Test
    void whenAPreparationFailsTheOnesAlreadyMadeAreClosed() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(1, 1, 4, 4));
        builder.add("conv1", Conv2d.of(2, 3, 1, 1), "x");
        builder.add("conv2", Conv2d.of(2, 3, 1, 1), "conv1");
        builder.add("conv3", Conv2d.of(2, 3, 1, 1), "conv2");
        Graph graph = builder.build();
        try (RecordingBackend backend = new RecordingBackend();
             ParameterStore store = ParameterStore.initialize(graph, backend, 1)) {
            backend.failingNode = "conv3";
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> backend.compile(graph, store));
            assertEquals("out of memory preparing conv3", thrown.getMessage());
            assertEquals(List.of("conv1", "conv2"),
                    backend.prepared.stream().map(p -> p.signature().nodeName()).toList());
            assertTrue(backend.prepared.stream().allMatch(p -> p.closed), "every preparation made is closed");
        }
    }
}
