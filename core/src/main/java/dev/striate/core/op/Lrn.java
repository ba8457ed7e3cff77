package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * Local response normalization across channels (AlexNet), as PyTorch's {@code LocalResponseNorm}:
 * b_c = a_c / (k + alpha/size · Σ a_j²)^beta over channels j from c - size/2 to c + (size-1)/2, clipped to range.
 */
public record Lrn(int size, double alpha, double beta, double k) implements Op {
    public static Lrn alexNet() {
        return new Lrn(5, 1e-4, 0.75, 2.0);
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shapes.requirePositive(size, "size");
        return Shapes.requireRank(inputs.getFirst(), 4, "N, C, H, W");
    }
}
