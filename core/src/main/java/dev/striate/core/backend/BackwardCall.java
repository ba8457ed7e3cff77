package dev.striate.core.backend;

import dev.striate.core.tensor.Tensor;
import java.util.Collections;
import java.util.List;

/**
 * The tensors of one node's backward pass. A kernel <em>adds</em> dL/dinput into {@code inputGrads} and dL/dparam
 * into {@code paramGrads} (the executor zeroes them first, so fan-out and shared gradients accumulate); an entry is
 * null when that gradient is not needed (no path to a parameter, a label input, or a buffer).
 * {@code saved} is what the kernel's forward returned for this node, {@code prepared} what its
 * {@link Kernel#prepare} returned when the graph was compiled.
 *
 * <p>The one exception to adding: an input gradient marked {@code fresh} was handed over uninitialized, because this
 * node is its only writer so far and its kernel said it writes that gradient whole
 * ({@link Kernel#writesFreshInputGradient}); the kernel then <em>writes</em> every element of it (as PyTorch's
 * backward functions return new gradients), and the executor saves a zero-fill and a read of the whole tensor.
 */
public record BackwardCall(List<Tensor> inputs, List<Tensor> params, Tensor output, Tensor outputGrad,
                           List<Tensor> inputGrads, List<Tensor> paramGrads, RunContext context, long nodeId,
                           Object saved, Object prepared, List<Boolean> freshInputGrads) {
    public BackwardCall {
        if (freshInputGrads.size() != inputGrads.size()) {
            throw new IllegalArgumentException(inputGrads.size() + " input gradients but " + freshInputGrads.size()
                    + " fresh flags");
        }
    }

    /** A call whose input gradients are all to be added into. */
    public BackwardCall(List<Tensor> inputs, List<Tensor> params, Tensor output, Tensor outputGrad,
                        List<Tensor> inputGrads, List<Tensor> paramGrads, RunContext context, long nodeId,
                        Object saved, Object prepared) {
        this(inputs, params, output, outputGrad, inputGrads, paramGrads, context, nodeId, saved, prepared,
                Collections.nCopies(inputGrads.size(), false));
    }

    public Tensor input() {
        return inputs.getFirst();
    }

    public Tensor inputGrad() {
        return inputGrads.getFirst();
    }

    /** Whether input {@code position}'s gradient is to be written whole rather than added into (see above). */
    public boolean fresh(int position) {
        return freshInputGrads.get(position);
    }
}
