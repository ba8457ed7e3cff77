package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * Maxout (Goodfellow et al. 2013): output channel j is the maximum of the k consecutive input channels
 * j·k .. j·k + k - 1, so C input channels give C/k outputs. With the preceding conv or linear layer this is
 * f(x) = max(a1·x + b1, ..., ak·x + bk). Rank 2 ([N, C]) or rank 4.
 */
public record Maxout(int pieces) implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 2, 4, "N, C or N, C, H, W");
        Shapes.requirePositive(pieces, "pieces");
        if (in.channels() % pieces != 0) {
            throw new ShapeException("channels " + in.channels() + " are not divisible by pieces " + pieces);
        }
        return in.withDim(1, in.channels() / pieces);
    }
}
