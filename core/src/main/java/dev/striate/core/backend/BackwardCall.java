package dev.striate.core.backend;

import dev.striate.core.tensor.Tensor;
import java.util.List;

/**
 * The tensors of one node's backward pass. A kernel <em>adds</em> dL/dinput into {@code inputGrads} and dL/dparam
 * into {@code paramGrads} (the executor zeroes them first, so fan-out and shared gradients accumulate); an entry is
 * null when that gradient is not needed (no path to a parameter, a label input, or a buffer).
 * {@code saved} is what the kernel's forward returned for this node, {@code prepared} what its
 * {@link Kernel#prepare} returned when the graph was compiled.
 */
public record BackwardCall(List<Tensor> inputs, List<Tensor> params, Tensor output, Tensor outputGrad,
                           List<Tensor> inputGrads, List<Tensor> paramGrads, RunContext context, long nodeId,
                           Object saved, Object prepared) {
    public Tensor input() {
        return inputs.getFirst();
    }

    public Tensor inputGrad() {
        return inputGrads.getFirst();
    }
}
