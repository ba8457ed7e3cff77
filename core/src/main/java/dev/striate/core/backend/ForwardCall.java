package dev.striate.core.backend;

import dev.striate.core.tensor.Tensor;
import java.util.List;

/**
 * The tensors of one node's forward pass. {@code params} are in the order the op declares them, buffers included
 * (batch norm updates its running statistics in training). {@code nodeId} is a stable number for the node,
 * used with the context's seed and step to derive random masks. {@code prepared} is what the kernel's
 * {@link Kernel#prepare} returned for this node when the graph was compiled.
 */
public record ForwardCall(List<Tensor> inputs, List<Tensor> params, Tensor output, RunContext context, long nodeId,
                          Object prepared) {
    public Tensor input() {
        return inputs.getFirst();
    }
}
