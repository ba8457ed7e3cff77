package dev.striate.core.train;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.data.Batch;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;

/**
 * Executors for one graph, all sharing one {@link ParameterStore}: one for the graph's own batch size, and one for
 * the latest other size (the last batch of an epoch, a batch that lost an unreadable file). Only one other is kept,
 * since each holds the activations of a whole batch: a run with many odd-sized batches must not fill the device.
 * Given a {@link PlanRequest}, executors free every value the request does not keep after its last use
 * ({@link Backend#compile(Graph, ParameterStore, PlanRequest)}); without one, every value stays readable.
 */
public final class ExecutorCache implements AutoCloseable {
    private final Graph graph;
    private final Backend backend;
    private final ParameterStore store;
    private final int usualBatch;
    private final PlanRequest plan;
    private Executor usual;
    private Executor other;

    /** Executors that keep every value readable (inspecting a model's activations). */
    public ExecutorCache(Graph graph, Backend backend, ParameterStore store) {
        this(graph, backend, store, null);
    }

    /** Executors whose steps run and keep what {@code plan} says; null keeps every value. */
    public ExecutorCache(Graph graph, Backend backend, ParameterStore store, PlanRequest plan) {
        this.graph = graph;
        this.backend = backend;
        this.store = store;
        this.usualBatch = graph.input(ClassifierGraphs.IMAGES).shape().batch();
        this.plan = plan;
    }

    public Graph graph() {
        return graph;
    }

    public Backend backend() {
        return backend;
    }

    public ParameterStore store() {
        return store;
    }

    public Executor executor(int batch) {
        if (batch == usualBatch) {
            if (usual == null) {
                usual = compile(graph);
            }
            return usual;
        }
        if (other == null || other.graph().input(ClassifierGraphs.IMAGES).shape().batch() != batch) {
            if (other != null) {
                other.close();
            }
            other = compile(graph.withBatch(batch));
        }
        return other;
    }

    private Executor compile(Graph batchGraph) {
        return plan == null ? backend.compile(batchGraph, store) : backend.compile(batchGraph, store, plan);
    }

    /** Feeds a batch's images (and its labels, when the graph takes them) and runs forward. */
    public Executor forward(Batch batch, RunContext context) {
        Executor executor = feed(batch);
        executor.forward(context);
        return executor;
    }

    /** Feeds a batch's images (and its labels, when the graph takes them) to the executor of its size. */
    public Executor feed(Batch batch) {
        Executor executor = executor(batch.size());
        executor.feed(ClassifierGraphs.IMAGES, batch.images());
        if (graph.isInput(ClassifierGraphs.LABELS)) {
            executor.feed(ClassifierGraphs.LABELS, batch.labels());
        }
        return executor;
    }

    /**
     * Starts copying a batch's images (and labels) to the executor of its size while the work queued on the executors
     * still runs ({@link Executor#stage}); its next forward trains on them. Returns that executor.
     */
    public Executor stage(Batch batch) {
        Executor executor = executor(batch.size());
        executor.stage(ClassifierGraphs.IMAGES, batch.images());
        if (graph.isInput(ClassifierGraphs.LABELS)) {
            executor.stage(ClassifierGraphs.LABELS, batch.labels());
        }
        return executor;
    }

    /**
     * Whether getting the executor for {@code batch} images would close {@code running} (only one executor of an odd
     * size is kept), which must not happen while work queued on it is unread.
     */
    public boolean wouldClose(int batch, Executor running) {
        return batch != usualBatch && running == other
                && other.graph().input(ClassifierGraphs.IMAGES).shape().batch() != batch;
    }

    @Override
    public void close() {
        if (usual != null) {
            usual.close();
            usual = null;
        }
        if (other != null) {
            other.close();
            other = null;
        }
    }
}
