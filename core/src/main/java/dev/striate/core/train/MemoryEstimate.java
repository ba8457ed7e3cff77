package dev.striate.core.train;

import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import java.util.Locale;

/**
 * How many values a model keeps while it trains or evaluates, counted from its graph before anything is allocated,
 * so that a model too large for the memory at hand is refused in one line instead of running out of memory.
 * Training keeps each parameter with its gradient and the optimizer's moments, and each node's output with its
 * gradient; evaluation keeps the parameters and the outputs.
 */
public record MemoryEstimate(long parameterValues, long activationValues, String use) {

    /** For training with an optimizer that keeps {@code stateSlots} moments per parameter. */
    public static MemoryEstimate training(Graph graph, int stateSlots) {
        return of(graph, 2 + stateSlots, 2, "training");
    }

    /** For evaluation and prediction: parameters and outputs only. */
    public static MemoryEstimate inference(Graph graph) {
        return of(graph, 1, 1, "evaluation");
    }

    private static MemoryEstimate of(Graph graph, int copiesPerParameter, int copiesPerOutput, String use) {
        long parameters = 0;
        for (Parameter p : graph.parameters()) {
            parameters += p.spec().shape().size() * (p.trainable() ? copiesPerParameter : 1);
        }
        long activations = 0;
        for (GraphInput input : graph.inputs()) {
            activations += input.shape().size();
        }
        for (Node node : graph.nodes()) {
            activations += node.shape().size() * copiesPerOutput;
        }
        return new MemoryEstimate(parameters, activations, use);
    }

    public long bytes(int bytesPerValue) {
        return (parameterValues + activationValues) * bytesPerValue;
    }

    /** Refuses, with the sizes and the limit, when the estimate is more than {@code backend} can hold. */
    public void requireFits(Backend backend, String advice) {
        int bytesPerValue = backend.bytesPerValue();
        long capacity = backend.memoryCapacity();
        if (bytes(bytesPerValue) <= capacity) {
            return;
        }
        throw new UserException(String.format(Locale.ROOT, "the model needs about %s for %s (%s parameters%s, %s"
                        + " activations), more than the %s the %s backend can use; %s", human(bytes(bytesPerValue)), use,
                human(parameterValues * bytesPerValue), use.equals("training") ? " with gradients and optimizer state"
                        : "", human(activationValues * bytesPerValue), human(capacity), backend.name(), advice));
    }

    private static String human(long bytes) {
        double gib = bytes / (1024.0 * 1024 * 1024);
        return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib)
                : String.format(Locale.ROOT, "%.0f MiB", Math.ceil(bytes / (1024.0 * 1024)));
    }
}
