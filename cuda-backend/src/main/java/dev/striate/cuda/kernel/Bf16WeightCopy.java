package dev.striate.cuda.kernel;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ChannelsAndCells;
import dev.striate.cuda.CudaContext;

/**
 * A node's bf16 copy of its float weight, the operand cuDNN and cuBLAS read in bf16 work, owned by the node's prepared
 * plan: allocated once when the node is prepared, released when the plan closes. Cast once per step: forward casts the
 * weight into it (every forward, since the weights change every step), and backward reads the copy this step's forward
 * made (a backward always follows its step's forward, and the parameters do not change between them).
 *
 * <p>Laid out as {@code elementwise.cu}'s {@code cast_f32_to_storage} lays it out ({@link ChannelsAndCells}): a rank-4
 * weight as the activations are (channels-last: K, R, S, C, cuDNN's NHWC filter format), any other rank flat.
 */
final class Bf16WeightCopy implements AutoCloseable {
    private final CudaContext context;
    private final Launcher launcher;
    private final Tensor copy;

    Bf16WeightCopy(CudaContext context, Launcher launcher, Shape weightShape) {
        this.context = context;
        this.launcher = launcher;
        this.copy = context.temporary(weightShape, DType.BF16);
    }

    /** Forward: casts {@code weight} into the copy and returns the copy. */
    Tensor castFrom(Tensor weight) {
        ChannelsAndCells extent = ChannelsAndCells.of(weight.shape());
        launcher.overElements("elementwise", "cast_f32_to_storage", weight.size(), weight, copy, weight.size(),
                extent.channels(), extent.cells());
        return copy;
    }

    /** Backward: the copy this step's forward cast, with no cast of its own. */
    Tensor fromThisStepsForward() {
        return copy;
    }

    @Override
    public void close() {
        context.release(copy);
    }
}
