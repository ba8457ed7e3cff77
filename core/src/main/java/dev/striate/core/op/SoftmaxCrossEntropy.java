package dev.striate.core.op;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * Mean over the batch of the cross-entropy between softmax(logits) and the labels. Inputs: logits [N, K]
 * and labels [N] (I32 class indices). With label smoothing ε the target is (1-ε) on the label plus ε/K on every
 * class, as PyTorch's {@code cross_entropy(label_smoothing=ε)}. Output: a scalar.
 */
public record SoftmaxCrossEntropy(double labelSmoothing) implements Op {
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
        Shape logits = Shapes.requireRank(inputs.get(0), 2, "N, classes");
        Shape labels = inputs.get(1);
        if (labels.rank() != 1 || labels.dim(0) != logits.batch()) {
            throw new ShapeException("labels must have shape [" + logits.batch() + "] to match logits " + logits
                    + ", got " + labels);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new ShapeException("label_smoothing must be in [0, 1), got " + labelSmoothing);
        }
        return Shape.scalar();
    }

    @Override
    public DType outputDType(List<DType> inputs) {
        return inputs.getFirst();
    }

    @Override
    public boolean isDifferentiable(int inputIndex) {
        return inputIndex == 0;
    }
}
