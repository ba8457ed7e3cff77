package dev.striate.core.backend;

import dev.striate.core.op.Op;

/**
 * A backend's implementation of one op: forward and backward. One kernel object per op class, registered with the
 * backend; the autodiff calls {@link #backward} once per node, in reverse order, so backward rules stay one call deep.
 */
public interface Kernel<O extends Op> {
    /** Writes the node's output; returns what backward needs (batch statistics, indices), or null. */
    Object forward(O op, ForwardCall call);

    /** Adds the gradients of the node's inputs and parameters (see {@link BackwardCall}). */
    void backward(O op, BackwardCall call);
}
