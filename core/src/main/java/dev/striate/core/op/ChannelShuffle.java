package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * ShuffleNet's channel shuffle: view C as [groups, C/groups], transpose, flatten. Output channel
 * i·groups + g is input channel g·(C/groups) + i.
 */
public record ChannelShuffle(int groups) implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 4, "N, C, H, W");
        Shapes.requirePositive(groups, "groups");
        if (in.channels() % groups != 0) {
            throw new ShapeException("channels " + in.channels() + " are not divisible by groups " + groups);
        }
        return in;
    }
}
