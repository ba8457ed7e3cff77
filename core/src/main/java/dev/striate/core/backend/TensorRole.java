package dev.striate.core.backend;

/**
 * What an allocation is for, so that a backend can place and type it without core knowing how: a mixed-precision
 * backend keeps bf16 activations beside fp32 parameters and optimizer state, and can plan activation memory by
 * liveness while parameters live for the whole run.
 */
public enum TensorRole {
    /** Data fed from the host: images, labels. */
    INPUT,
    /** A node's output. */
    ACTIVATION,
    /** The gradient of a node's output or of a graph input. */
    ACTIVATION_GRADIENT,
    /** A trainable weight (master copy). */
    PARAMETER,
    PARAMETER_GRADIENT,
    /** Moments and other per-parameter state of an optimizer. */
    OPTIMIZER_STATE,
    /** Non-trainable state saved with the model: batch-norm running statistics and counters. */
    BUFFER,
    /** Short-lived working memory of a kernel or a check. */
    SCRATCH
}
