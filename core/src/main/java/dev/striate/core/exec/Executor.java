package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.Graph;
import dev.striate.core.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One graph compiled for one backend ({@link Backend#compile}): inputs are fed from the host, forward runs every
 * node, and backward runs reverse-mode autodiff from one node, adding into the parameter gradients of the shared
 * {@link ParameterStore} (zero them with {@link ParameterStore#zeroGradients()} before a step). How memory is
 * planned and nodes are run is the backend's business; {@link ReferenceExecutor} is the plain way. An input is either
 * fed (written now, replacing a batch staged for it and not yet used) or staged (copied while queued work still reads
 * the current values, used from the next forward on).
 */
public interface Executor extends AutoCloseable {
    Graph graph();

    Backend backend();

    ParameterStore parameters();

    void feed(String input, float[] data);

    /**
     * Feeds 32-bit floats in native byte order from host memory: a loader's off-heap batch, which a GPU backend
     * can copy without another pass. By default, through a Java array.
     */
    default void feed(String input, MemorySegment data) {
        feed(input, data.toArray(ValueLayout.JAVA_FLOAT));
    }

    void feed(String input, double[] data);

    void feed(String input, int[] data);

    /**
     * Starts copying the next batch's floats (native byte order, as {@link #feed(String, MemorySegment)}) for
     * {@code input} while work already queued still reads the current ones; the next {@link #forward} uses them. The
     * host memory must stay unchanged until {@link #awaitStagedSources()} returns. By default fed at once, which is
     * right wherever a write queues behind the work already queued or runs after it.
     */
    default void stage(String input, MemorySegment data) {
        feed(input, data);
    }

    /** Starts copying the next batch's integers (labels), as {@link #stage(String, MemorySegment)}. */
    default void stage(String input, int[] data) {
        feed(input, data);
    }

    /** Waits on the host until every staged copy has read its host memory, which the caller may then refill. */
    default void awaitStagedSources() {
    }

    void forward(RunContext context);

    /** The value of a node or input on the backend, after the last forward. */
    Tensor value(String name);

    double[] read(String name);

    /** Asks backward to compute the gradient with respect to a graph input too (gradient checks, saliency). */
    void requireInputGradient(String input);

    /** Backward from a scalar node (a loss): dL/dL = 1. */
    void backward(String lossNode);

    /**
     * Reverse-mode autodiff from {@code target} with the given gradient of its output, using the tensors of the last
     * forward pass. Parameter gradients are added into the store; input gradients are readable afterwards.
     */
    void backward(String target, double[] outputGradient);

    /** dL/dinput after {@link #backward}, for an input named in {@link #requireInputGradient}. */
    double[] inputGradient(String input);

    @Override
    void close();
}
