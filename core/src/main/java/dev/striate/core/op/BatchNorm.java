package dev.striate.core.op;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch normalization over N (and H, W for rank 4), per channel. Training normalizes with the batch mean and
 * biased variance and updates running_mean and running_var (unbiased) with {@code momentum}, as PyTorch;
 * evaluation normalizes with the running statistics. A {@code frozen} batch norm (inside a frozen part of a fine-tuned
 * model) normalizes with its running statistics and leaves them alone in training too, as Keras does: statistics of
 * a few small fine-tuning batches would otherwise replace those learned on the large data set. Parameters, in kernel
 * order: {@code weight}, {@code bias} (only when affine), then the buffers {@code running_mean}, {@code running_var},
 * {@code num_batches_tracked}.
 */
public record BatchNorm(double eps, double momentum, boolean affine, boolean frozen) implements Op {
    public static final int RUNNING_MEAN = 0;
    public static final int RUNNING_VAR = 1;
    public static final int BATCHES_TRACKED = 2;

    public BatchNorm(double eps, double momentum, boolean affine) {
        this(eps, momentum, affine, false);
    }

    public static BatchNorm standard() {
        return new BatchNorm(1e-5, 0.1, true);
    }

    /** This batch norm frozen: running statistics in training as in evaluation. */
    public BatchNorm freeze() {
        return new BatchNorm(eps, momentum, affine, true);
    }

    /** True when a pass normalizes with the batch's statistics (and updates the running ones). */
    public boolean usesBatchStatistics(boolean training) {
        return training && !frozen;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 2, 4, "N, C or N, C, H, W");
        if (!(eps > 0)) {
            throw new ShapeException("eps must be positive, got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new ShapeException("momentum must be in [0, 1], got " + momentum);
        }
        return in;
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        Shape channels = Shape.of(inputs.getFirst().dim(1));
        List<ParamSpec> specs = new ArrayList<>();
        if (affine) {
            specs.add(ParamSpec.weight("weight", channels, new Initializer.Constant(1)));
            specs.add(ParamSpec.weight("bias", channels, new Initializer.Constant(0)));
        }
        specs.add(ParamSpec.buffer("running_mean", channels, DType.F32, 0));
        specs.add(ParamSpec.buffer("running_var", channels, DType.F32, 1));
        specs.add(ParamSpec.buffer("num_batches_tracked", Shape.scalar(), DType.I64, 0));
        return specs;
    }

    /** Index in the kernel's parameter list of a buffer ({@link #RUNNING_MEAN}, ...), after the affine pair. */
    public int bufferIndex(int buffer) {
        return (affine ? 2 : 0) + buffer;
    }
}
