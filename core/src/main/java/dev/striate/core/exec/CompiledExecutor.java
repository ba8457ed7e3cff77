package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.graph.Graph;
import java.lang.foreign.MemorySegment;

/**
 * What both executors share: the graph, its backend and parameters, each node's prepared kernel
 * ({@link CompiledNodes}), and the graph inputs with their feeding and staging ({@link GraphInputs}). They differ only
 * in how long node values and gradients live.
 */
abstract sealed class CompiledExecutor implements Executor permits ReferenceExecutor, PlannedExecutor {
    protected final Graph graph;
    protected final Backend backend;
    protected final ParameterStore store;
    protected final CompiledNodes nodes;
    /** The graph inputs, each able to take the next batch while the current one is still read. */
    protected final GraphInputs inputs;

    /** {@code backward}: whether this executor may run backward, so that kernels prepare for it. */
    CompiledExecutor(Graph graph, Backend backend, ParameterStore store, boolean backward) {
        this.nodes = new CompiledNodes(graph, backend, store, backward);
        this.graph = graph;
        this.backend = backend;
        this.store = store;
        this.inputs = new GraphInputs(graph, backend);
    }

    @Override
    public final Graph graph() {
        return graph;
    }

    @Override
    public final Backend backend() {
        return backend;
    }

    @Override
    public final ParameterStore parameters() {
        return store;
    }

    @Override
    public final void feed(String input, float[] data) {
        backend.write(inputs.fed(input, data.length), data);
    }

    @Override
    public final void feed(String input, double[] data) {
        backend.write(inputs.fed(input, data.length), data);
    }

    @Override
    public final void feed(String input, int[] data) {
        backend.write(inputs.fed(input, data.length), data);
    }

    @Override
    public final void stage(String input, MemorySegment data) {
        inputs.stage(input, data);
    }

    @Override
    public final void stage(String input, int[] data) {
        inputs.stage(input, data);
    }

    @Override
    public final void awaitStagedSources() {
        inputs.awaitSourcesRead();
    }

    @Override
    public final double[] read(String name) {
        return backend.read(value(name));
    }

    @Override
    public final void backward(String lossNode) {
        if (graph.shapeOf(lossNode).size() != 1) {
            throw new IllegalArgumentException("'" + lossNode + "' is not a scalar; give its output gradient");
        }
        backward(lossNode, new double[] {1.0});
    }
}
