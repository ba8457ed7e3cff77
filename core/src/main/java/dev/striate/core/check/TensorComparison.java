package dev.striate.core.check;

/** How a parity check judges one tensor of a candidate backend against the reference's (same length). */
public interface TensorComparison {
    /**
     * The row for {@code what}: its worst element under this comparison and whether the tensor passes.
     * {@code relatedScale} is the size of the reference tensors this one is computed alongside (for a parameter's
     * gradient, the largest RMS of its node's parameter gradients), or 0: a gradient that is zero by cancellation
     * (a batch-norm bias followed by a convolution and another batch norm) has no size of its own, and its rounding
     * noise is that of its sibling gradients.
     */
    ParityRow compare(String what, double[] expected, double[] actual, double relatedScale);
}
