package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * The end of a residual block as one node: y = max(bn(x) + residual, 0), inputs x and the residual (the block's
 * shortcut). Never written in a spec: a GPU backend's graph rewrite makes it from a batch norm read only by a
 * two-input add read only by a relu, as NVIDIA's "BN + add + ReLU" fusion, so that one pass normalizes, adds and
 * clamps, and backward writes the residual's gradient (dy where y > 0) in the pass that writes x's. Its parameters
 * are the batch norm's, named after the batch norm's node.
 */
public record BatchNormAddRelu(BatchNorm norm) implements Op {
    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return 2;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape normalized = norm.outputShape(List.of(inputs.getFirst()));
        if (!inputs.get(1).equals(normalized)) {
            throw new ShapeException("the residual's shape " + inputs.get(1) + " differs from the batch norm's "
                    + normalized);
        }
        return normalized;
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        return norm.parameters(List.of(inputs.getFirst()));
    }
}
