package dev.striate.cpu;

import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.Shape;

/**
 * A graph of one op on one input {@code x}, run through the {@link Executor} on the reference backend, with the
 * op's parameters written by hand: the way known-answer tests drive a kernel as training would.
 */
final class OneNodeGraph implements AutoCloseable {
    static final String INPUT = "x";
    static final String NODE = "op";

    private final CpuBackend backend = new CpuBackend();
    private final Graph graph;
    private final ParameterStore store;
    private final Executor executor;

    OneNodeGraph(Op op, Shape inputShape) {
        GraphBuilder builder = new GraphBuilder();
        builder.input(INPUT, inputShape);
        builder.add(NODE, op, INPUT);
        graph = builder.build();
        store = ParameterStore.initialize(graph, backend, 1);
        executor = backend.compile(graph, store);
        executor.requireInputGradient(INPUT);
    }

    Shape outputShape() {
        return graph.shapeOf(NODE);
    }

    /** Sets the parameter {@code op.<suffix>} (weight, bias). */
    OneNodeGraph parameter(String suffix, double... values) {
        store.write(NODE + "." + suffix, values);
        return this;
    }

    /** The op's output for this input, in evaluation mode. */
    double[] forward(double... input) {
        executor.feed(INPUT, input);
        executor.forward(RunContext.evaluation());
        return executor.read(NODE);
    }

    /** dL/dx for the last forward's input, given dL/dy. */
    double[] inputGradient(double... outputGradient) {
        runBackward(outputGradient);
        return executor.inputGradient(INPUT);
    }

    /** dL/d(op.<suffix>) for the last forward's input, given dL/dy. */
    double[] parameterGradient(String suffix, double... outputGradient) {
        runBackward(outputGradient);
        return backend.read(store.gradient(NODE + "." + suffix));
    }

    private void runBackward(double[] outputGradient) {
        store.zeroGradients();
        executor.backward(NODE, outputGradient);
    }

    @Override
    public void close() {
        executor.close();
        store.close();
    }
}
