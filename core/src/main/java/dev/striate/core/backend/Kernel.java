package dev.striate.core.backend;

import dev.striate.core.op.Op;

/**
 * A backend's implementation of one op: forward and backward. One kernel object per op class, made by the backend
 * with its context; the autodiff calls {@link #backward} once per node, in reverse order, so backward rules stay one
 * call deep.
 */
public interface Kernel<O extends Op> {
    /**
     * Runs once per node when a graph is compiled: whatever depends only on shapes (descriptors, a convolution
     * algorithm and its workspace size) is chosen here and handed back in every {@link ForwardCall#prepared()} and
     * {@link BackwardCall#prepared()} of that node, so nothing is looked up per step. Null when nothing is needed.
     * A preparation that is {@link AutoCloseable} (it holds device buffers) is closed when the executor closes.
     */
    default Object prepare(O op, NodeSignature signature) {
        return null;
    }

    /** Writes the node's output; returns what backward needs (batch statistics, indices), or null. */
    Object forward(O op, ForwardCall call);

    /** Adds the gradients of the node's inputs and parameters (see {@link BackwardCall}). */
    void backward(O op, BackwardCall call);

    /**
     * Whether {@link #backward} writes every element of input {@code position}'s gradient, instead of adding into it,
     * when the call marks it fresh ({@link BackwardCall#fresh}). An executor may then hand that gradient over
     * uninitialized where this node is its first writer. False by default: the kernel always adds.
     */
    default boolean writesFreshInputGradient(O op, int position) {
        return false;
    }
}
