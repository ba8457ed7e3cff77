package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * A batch norm followed by a ReLU clamped at {@code ceiling} (infinite for ReLU, 6 for ReLU6), as one node:
 * y = min(max(bn(x), 0), ceiling). Never written in a spec: a GPU backend's graph rewrite makes it from a batch norm
 * whose only reader is a relu or relu6, so that one pass normalizes and clamps, and backward reads the clamp's
 * derivative off y (1 where 0 < y < ceiling) instead of a separate ReLU pass writing an intermediate gradient. Its
 * parameters are the batch norm's, named after the batch norm's node.
 */
public record BatchNormRelu(BatchNorm norm, double ceiling) implements Op {
    /** A batch norm followed by a plain ReLU. */
    public static BatchNormRelu relu(BatchNorm norm) {
        return new BatchNormRelu(norm, Double.POSITIVE_INFINITY);
    }

    /** A batch norm followed by a ReLU6. */
    public static BatchNormRelu relu6(BatchNorm norm) {
        return new BatchNormRelu(norm, 6);
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        if (!(ceiling > 0)) {
            throw new ShapeException("the ReLU's ceiling must be positive, got " + ceiling);
        }
        return norm.outputShape(inputs);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        return norm.parameters(inputs);
    }
}
