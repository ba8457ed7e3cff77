package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/** Channels start (inclusive) to end (exclusive) of the input; ShuffleNet v2's channel split. */
public record SliceChannels(int start, int end) implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 2, 4, "N, C or N, C, H, W");
        if (start < 0 || end <= start || end > in.channels()) {
            throw new ShapeException("channel range " + start + ".." + end + " must satisfy 0 <= start < end <= "
                    + in.channels() + " (the input's channels)");
        }
        return in.withDim(1, end - start);
    }
}
